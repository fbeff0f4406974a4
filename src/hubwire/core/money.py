"""Money is integer minor units plus an ISO 4217 currency code."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# ISO 4217 currencies whose minor unit is not 1/100 (the rest use 2 decimals).
ZERO_DECIMAL = {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"}
THREE_DECIMAL = {"BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"}
MAX_MINOR_UNITS = 10**13
# The active currencies of ISO 4217 List One (SIX, amendment 179, 2025: https://www.six-group.com/en/products-services/financial-information/data-standards.html),
# without its entries that are not money one invoices in: precious metals (XAU XAG XPD XPT), bond
# market units (XBA-XBD), the SDR (XDR), XSU, XUA, the testing code XTS and "no currency" XXX.
CURRENCIES = frozenset("""
    AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD
    CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP
    GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW
    KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN
    NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD
    SHP SLE SOS SRD SSP STN SVC SYP SZL THB TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED
    VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG
""".split())  # far above any real invoice, far below what a BIGINT holds


def currency_problem(value: str | None) -> str:
    """Why `value` is not a currency hubwire invoices in, or "" (any case: "usd" is USD)."""
    code = (value or "").strip().upper()
    if code in CURRENCIES:
        return ""
    shown = f"“{value}” is not" if code else "Enter"
    return f"{shown} an ISO 4217 currency code: three letters such as USD, EUR or GBP."


def exponent(currency: str) -> int:
    currency = currency.upper()
    return 0 if currency in ZERO_DECIMAL else 3 if currency in THREE_DECIMAL else 2


def to_minor(amount: Decimal | str, currency: str) -> int:
    """'12.50' USD -> 1250. Raises ValueError on something that is not a number."""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        raise ValueError(f"{amount!r} is not an amount") from None
    if not value.is_finite():
        raise ValueError(f"{amount!r} is not an amount")
    return int((value * 10 ** exponent(currency)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def to_major(minor: int, currency: str) -> Decimal:
    places = exponent(currency)
    return (Decimal(minor) / 10**places).quantize(Decimal(1).scaleb(-places))


def format_money(minor: int, currency: str) -> str:
    return f"{to_major(minor, currency):,} {currency.upper()}"


def line_amount(quantity: Decimal, unit_amount: int) -> int:
    return int((Decimal(quantity) * unit_amount).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def tax_on(subtotal: int, rate_bp: int) -> int:
    return int((Decimal(subtotal) * rate_bp / 10000).quantize(Decimal(1), rounding=ROUND_HALF_UP))
