"""QuickBooks' query language, as much of it as its data-queries page describes (providers.md §2.4):

    SELECT * | count(*) FROM Entity [WHERE prop op value [AND ...]] [ORDERBY prop [ASC|DESC], ...]
    [STARTPOSITION n] [MAXRESULTS n]

with the operators IN, =, <, >, <=, >=, LIKE (only % as wildcard) and no OR, projections or joins.
parse() turns the text into a Query or raises a QboFault (4000 for what does not parse, 4001 for
what parses but QuickBooks refuses); run() answers the QueryResponse."""

import re
from dataclasses import dataclass, field

from hubwire.sandbox.quickbooks import entities, wire
from hubwire.sandbox.quickbooks.models import Entity

DEFAULT_PAGE = 100  # MAXRESULTS when the query names none (data-queries page)
MAX_PAGE = 1000  # "The maximum number of entities in a response is 1000" (data-queries page)

# The properties each entity can be filtered and sorted on, and where their value sits in the body.
FILTERABLE = {
    "Customer": {"Id": "Id", "DisplayName": "DisplayName", "GivenName": "GivenName", "FamilyName": "FamilyName",
                 "MiddleName": "MiddleName", "CompanyName": "CompanyName", "FullyQualifiedName": "FullyQualifiedName",
                 "PrimaryEmailAddr": "PrimaryEmailAddr.Address", "PrimaryPhone": "PrimaryPhone.FreeFormNumber",
                 "Active": "Active", "Balance": "Balance", "MetaData.CreateTime": "MetaData.CreateTime",
                 "MetaData.LastUpdatedTime": "MetaData.LastUpdatedTime"},
    "Invoice": {"Id": "Id", "DocNumber": "DocNumber", "TxnDate": "TxnDate", "DueDate": "DueDate",
                "CustomerRef": "CustomerRef.value", "TotalAmt": "TotalAmt", "Balance": "Balance",
                "MetaData.CreateTime": "MetaData.CreateTime", "MetaData.LastUpdatedTime": "MetaData.LastUpdatedTime"},
    "Item": {"Id": "Id", "Name": "Name", "Type": "Type", "Active": "Active", "Sku": "Sku",
             "MetaData.CreateTime": "MetaData.CreateTime", "MetaData.LastUpdatedTime": "MetaData.LastUpdatedTime"},
    "Payment": {"Id": "Id", "TxnDate": "TxnDate", "CustomerRef": "CustomerRef.value", "TotalAmt": "TotalAmt",
                "PaymentRefNum": "PaymentRefNum", "MetaData.CreateTime": "MetaData.CreateTime",
                "MetaData.LastUpdatedTime": "MetaData.LastUpdatedTime"},
    "CompanyInfo": {"Id": "Id"},
}
ENTITY_NAMES = {name.lower(): name for name in FILTERABLE}

_TOKEN = re.compile(r"""\s*(?:
    (?P<string>'(?:[^'\\]|\\.)*')
  | (?P<number>-?\d+(?:\.\d+)?(?![\w.]))
  | (?P<op><=|>=|=|<|>|\(|\)|,|\*)
  | (?P<word>[A-Za-z_][\w.]*)
)""", re.VERBOSE)


@dataclass
class Condition:
    prop: str
    op: str
    values: list


@dataclass
class Query:
    entity: str
    count: bool = False
    where: list[Condition] = field(default_factory=list)
    order: list[tuple[str, bool]] = field(default_factory=list)  # (prop, descending)
    start: int = 1
    size: int = DEFAULT_PAGE


def _tokens(text: str) -> list[tuple[str, object]]:
    tokens, position = [], 0
    text = text.strip().rstrip(";")
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise wire.query_parse_error(f"Encountered \"{text[position:position + 20]}\" at column {position + 1}")
        position = match.end()
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "string":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        elif kind == "number":
            value = float(value) if "." in value else int(value)
        tokens.append((kind, value))
    return tokens


class _Reader:
    def __init__(self, tokens):
        self.tokens, self.at = tokens, 0

    def peek_word(self) -> str:
        if self.at < len(self.tokens) and self.tokens[self.at][0] == "word":
            return str(self.tokens[self.at][1]).upper()
        return ""

    def take(self, kind: str | None = None, value: str | None = None):
        if self.at >= len(self.tokens):
            raise wire.query_parse_error(f"Encountered \"<EOF>\" where {value or kind or 'more'} was expected")
        got_kind, got = self.tokens[self.at]
        if (kind and got_kind != kind) or (value and str(got).upper() != value):
            raise wire.query_parse_error(f"Encountered \"{got}\" where {value or kind} was expected")
        self.at += 1
        return got

    def done(self) -> bool:
        return self.at >= len(self.tokens)


def parse(text: str) -> Query:
    if not text or not text.strip():
        raise wire.required_missing("query")
    reader = _Reader(_tokens(text))
    reader.take("word", "SELECT")
    count = False
    if reader.peek_word() == "COUNT":
        reader.take()
        reader.take("op", "(")
        reader.take("op", "*")
        reader.take("op", ")")
        count = True
    else:
        if reader.peek_word():
            raise wire.query_invalid("projections are not supported: select * or count(*)")
        reader.take("op", "*")
    reader.take("word", "FROM")
    name = str(reader.take("word"))
    if name.lower() not in ENTITY_NAMES:
        raise wire.query_parse_error(f"Invalid entity name: {name}")
    query = Query(entity=ENTITY_NAMES[name.lower()], count=count)
    if reader.peek_word() == "WHERE":
        reader.take()
        query.where.append(_condition(reader, query.entity))
        while reader.peek_word() in ("AND", "OR"):
            if reader.take().upper() == "OR":
                raise wire.query_parse_error("OR is not supported in a query")
            query.where.append(_condition(reader, query.entity))
    if reader.peek_word() in ("ORDERBY", "ORDER"):
        if reader.take().upper() == "ORDER":
            reader.take("word", "BY")
        while True:
            prop = _property(reader, query.entity)
            descending = reader.peek_word() == "DESC"
            if reader.peek_word() in ("ASC", "DESC"):
                reader.take()
            query.order.append((prop, descending))
            if reader.done() or reader.tokens[reader.at] != ("op", ","):
                break
            reader.take("op", ",")
    for keyword in ("STARTPOSITION", "MAXRESULTS"):
        if reader.peek_word() == keyword:
            reader.take()
            number = reader.take("number")
            if not isinstance(number, int) or number < 1:
                raise wire.query_invalid(f"{keyword} must be a whole number of at least 1")
            if keyword == "STARTPOSITION":
                query.start = number
            else:
                query.size = min(number, MAX_PAGE)
    if not reader.done():
        raise wire.query_parse_error(f"Encountered \"{reader.tokens[reader.at][1]}\" at the end of the query")
    return query


def _property(reader: _Reader, entity: str) -> str:
    prop = str(reader.take("word"))
    known = {p.lower(): p for p in FILTERABLE[entity]}
    if prop.lower() not in known:
        raise wire.query_invalid(f"property '{prop}' is not queryable")
    return known[prop.lower()]


def _condition(reader: _Reader, entity: str) -> Condition:
    prop = _property(reader, entity)
    word = reader.peek_word()
    if word in ("IN", "LIKE"):
        op = reader.take().upper()
    else:
        op = reader.take("op")
        if op not in ("=", "<", ">", "<=", ">="):
            raise wire.query_parse_error(f"Encountered \"{op}\" where an operator was expected")
    if op == "IN":
        reader.take("op", "(")
        values = [_value(reader)]
        while not reader.done() and reader.tokens[reader.at] == ("op", ","):
            reader.take()
            values.append(_value(reader))
        reader.take("op", ")")
    else:
        values = [_value(reader)]
    if op == "LIKE" and not isinstance(values[0], str):
        raise wire.query_invalid("LIKE takes a quoted text")
    return Condition(prop, op, values)


def _value(reader: _Reader):
    if reader.peek_word() in ("TRUE", "FALSE"):
        return reader.take().upper() == "TRUE"
    kind, value = reader.tokens[reader.at] if not reader.done() else ("", None)
    if kind not in ("string", "number"):
        return reader.take("string")
    reader.at += 1
    return value


# --- running a query -------------------------------------------------------------------------------

def _field(body: dict, path: str):
    value = body
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _comparable(value):
    """QuickBooks compares text without regard to case; ids compare as numbers."""
    if isinstance(value, str):
        return (int(value), "") if value.isdigit() else (float("inf"), value.casefold())
    return value


def _holds(body: dict, entity: str, condition: Condition) -> bool:
    value = _field(body, FILTERABLE[entity][condition.prop])
    if value is None:
        return False
    if condition.op == "LIKE":
        pattern = "".join(".*" if c == "%" else re.escape(c) for c in condition.values[0])
        return isinstance(value, str) and re.fullmatch(pattern, value, re.IGNORECASE | re.DOTALL) is not None
    try:
        left, rights = _comparable(value), [_comparable(v) for v in condition.values]
        if condition.op == "IN":
            return left in rights
        right = rights[0]
        return {"=": left == right, "<": left < right, ">": left > right, "<=": left <= right,
                ">=": left >= right}[condition.op]
    except TypeError:  # a number compared with a text: no match, as a typed store would find none
        return False


def matching(query: Query, rows: list[dict]) -> list[dict]:
    """The rows the query's WHERE keeps, in its order. Name-list entities answer only active ones
    unless the query asks about Active itself (data-queries page)."""
    found = [body for body in rows if all(_holds(body, query.entity, c) for c in query.where)]
    if "Active" in FILTERABLE[query.entity] and not any(c.prop == "Active" for c in query.where):
        found = [body for body in found if body.get("Active") is not False]
    found.sort(key=lambda body: _comparable(body["Id"]))
    for prop, descending in reversed(query.order):
        path = FILTERABLE[query.entity][prop]
        found.sort(key=lambda body: (_field(body, path) is None, _comparable(_field(body, path) or "")),
                   reverse=descending)
    return found


def run(realm_id: str, query: Query) -> dict:
    if query.entity == "CompanyInfo":
        rows = [entities.company_info(realm_id)]
    else:
        rows = list(Entity.objects.filter(realm_id=realm_id, kind=query.entity, deleted=False)
                    .values_list("body", flat=True))
    found = matching(query, rows)
    if query.count:
        return {"QueryResponse": {"totalCount": len(found)}}
    page = found[query.start - 1:query.start - 1 + query.size]
    if not page:
        return {"QueryResponse": {}}
    return {"QueryResponse": {query.entity: page, "startPosition": query.start, "maxResults": len(page)}}
