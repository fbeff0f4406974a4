"""The shared signature styles against the vendors' own vectors (providers.md §2.6, §6.2) and, for
Twilio, against the official twilio package's RequestValidator on whatever hypothesis makes up."""

import hashlib

from django.http import QueryDict
from hypothesis import given, settings, strategies as st
from twilio.request_validator import RequestValidator

from hubwire.integrations.signatures import intuit_signature, signatures_equal, twilio_request_valid, twilio_signature

TWILIO_DOCS_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TWILIO_DOCS_PARAMS = [("CallSid", "CA1234567890ABCDE"), ("Caller", "+12349013030"), ("Digits", "1234"),
                      ("From", "+12349013030"), ("To", "+18005551212")]
INTUIT_VECTOR_BODY = (b'{"eventNotifications":[{"realmId":"1185883450","dataChangeEvent":{"entities":[{"name":'
                      b'"Customer","id":"1","operation":"Create","lastUpdated":"2015-10-05T14:42:19-0700"}]}}]}')


def test_the_twilio_docs_vector():
    assert twilio_signature("12345", TWILIO_DOCS_URL, TWILIO_DOCS_PARAMS) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert twilio_request_valid("12345", TWILIO_DOCS_URL, reversed(TWILIO_DOCS_PARAMS), b"",
                                "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")
    assert not twilio_request_valid("12346", TWILIO_DOCS_URL, TWILIO_DOCS_PARAMS, b"", "0/KCTR6DLpKmkAf8muzZqo1nDgQ=")


def test_the_intuit_vector():
    assert intuit_signature("b5771f19b12ddb4bcdb9f08bdc50bc63878a", INTUIT_VECTOR_BODY) == \
        "JC2GUwciPmRBwEO7WvrRmKqu9tGOKL8FFallocTFi8Q="


text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12)


@settings(max_examples=60, deadline=None)
@given(params=st.lists(st.tuples(st.sampled_from(["Body", "From", "To", "MediaUrl0", "a", "A"]), text), max_size=8),
       token=st.text(min_size=1, max_size=40), path=st.sampled_from(["/in/", "/events/tok/?x=1&y=%20"]))
def test_twilio_signatures_agree_with_the_official_validator(params, token, path):
    url = "https://crm.example.com" + path
    form = QueryDict(mutable=True)
    for name, value in params:
        form.appendlist(name, value)
    official = RequestValidator(token).compute_signature(url, form)
    assert twilio_signature(token, url, params) == official
    assert RequestValidator(token).validate(url, form, twilio_signature(token, url, params))


def test_twilio_signatures_are_accepted_with_or_without_the_port_as_twilio_sends_either():
    params = [("MessageSid", "SM1"), ("Body", "hi")]
    signed_with_port = twilio_signature("tok", "https://crm.example.com:443/in/", params)
    signed_without = twilio_signature("tok", "https://crm.example.com/in/", params)
    assert twilio_request_valid("tok", "https://crm.example.com/in/", params, b"", signed_with_port)
    assert twilio_request_valid("tok", "https://crm.example.com:443/in/", params, b"", signed_without)
    assert not twilio_request_valid("tok", "https://crm.example.com/other/", params, b"", signed_with_port)


def test_a_twilio_json_body_is_checked_by_the_hash_in_the_signed_url():
    body = b'{"MessageSid": "SM1"}'
    url = f"https://crm.example.com/in/?bodySHA256={hashlib.sha256(body).hexdigest()}"
    signature = RequestValidator("tok").compute_signature(url, {})
    assert twilio_request_valid("tok", url, [], body, signature)
    assert RequestValidator("tok").validate(url, body.decode(), signature)
    assert not twilio_request_valid("tok", url, [], body + b" ", signature)


def test_a_missing_or_different_signature_never_matches():
    assert signatures_equal("abc", "abc")
    assert not signatures_equal("abc", "")
    assert not signatures_equal("abc", None)
    assert not signatures_equal("abc", "abé")  # not ASCII: refused, not a TypeError
