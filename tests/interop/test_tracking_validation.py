"""Client tracking argument validation: CLIENT TRACKING and CLIENT CACHING
errors (exact Redis texts), prefix overlaps, and mode switches refused while
tracking is on.
"""

from __future__ import annotations

import pytest

from tracking_support import (
    ERR_CACHING_MODE, ERR_CACHING_NO, ERR_CACHING_YES, ERR_NOT_INT, ERR_OPT_BCAST, ERR_OPTIN_OPTOUT,
    ERR_PREFIX_NO_BCAST, ERR_REDIRECT_MISSING, ERR_REDIRECT_TWICE, ERR_SWITCH_BCAST, ERR_SWITCH_OPT, SYNTAX,
    error, info_dict, overlap_existing, overlap_provided,
)


# -- validation ---------------------------------------------------------------------


def test_redirect_to_missing_or_bad_ids(raw):
    c = raw()
    me = c.call("CLIENT", "ID")
    assert c.cmd("CLIENT", "TRACKING", "ON", "REDIRECT", "999999") == error(ERR_REDIRECT_MISSING)
    assert c.cmd("CLIENT", "TRACKING", "ON", "REDIRECT", "0") == error(ERR_REDIRECT_MISSING)
    assert c.cmd("CLIENT", "TRACKING", "ON", "REDIRECT", "-5") == error(ERR_REDIRECT_MISSING)
    assert c.cmd("CLIENT", "TRACKING", "ON", "REDIRECT", "abc") == error(ERR_NOT_INT)
    assert c.cmd("CLIENT", "TRACKING", "ON", "REDIRECT", me, "REDIRECT", me) == error(ERR_REDIRECT_TWICE)
    # Failed attempts leave tracking off.
    assert c.call("CLIENT", "GETREDIR") == -1


@pytest.mark.parametrize(
    "opts,text",
    [
        (("PREFIX", "a"), ERR_PREFIX_NO_BCAST),
        (("BCAST", "OPTIN"), ERR_OPT_BCAST),
        (("BCAST", "OPTOUT"), ERR_OPT_BCAST),
        (("BCAST", "PREFIX", "a", "PREFIX", "ab"), overlap_provided("a", "ab")),
        (("BCAST", "PREFIX", "ab", "PREFIX", "a"), overlap_provided("ab", "a")),
        (("BCAST", "PREFIX", "x", "PREFIX", "x"), overlap_provided("x", "x")),
        (("BCAST", "PREFIX", "", "PREFIX", "a"), overlap_provided("", "a")),
        (("NOSUCHOPTION",), SYNTAX),
        (("REDIRECT",), SYNTAX),
        (("BCAST", "PREFIX"), SYNTAX),
    ],
    ids=[
        "prefix-without-bcast", "optin-with-bcast", "optout-with-bcast",
        "overlap-short-first", "overlap-long-first", "same-prefix-twice", "empty-prefix-overlaps",
        "unknown-option", "redirect-without-id", "prefix-without-value",
    ],
)
def test_tracking_on_option_errors(raw, opts, text):
    c = raw()
    assert c.cmd("CLIENT", "TRACKING", "ON", *opts) == error(text)
    assert c.call("CLIENT", "GETREDIR") == -1


def test_optin_with_optout_error_text(raw):
    c = raw()
    assert c.cmd("CLIENT", "TRACKING", "ON", "OPTIN", "OPTOUT") == error(ERR_OPTIN_OPTOUT)
    assert c.call("CLIENT", "GETREDIR") == -1


def test_bcast_with_optin_and_optout_reports_bcast_first(raw):
    c = raw()
    assert c.cmd("CLIENT", "TRACKING", "ON", "BCAST", "OPTIN", "OPTOUT") == error(ERR_OPT_BCAST)


def test_tracking_on_off_argument_errors(raw):
    c = raw()
    assert c.cmd("CLIENT", "TRACKING", "MAYBE") == error(SYNTAX)
    assert c.cmd("CLIENT", "TRACKING").kind == "-"


def test_overlapping_prefix_across_calls(raw):
    c = raw()
    assert c.call("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:") == "OK"
    assert c.cmd("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:1") == error(overlap_existing("user:1", "user:"))
    assert c.cmd("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "us") == error(overlap_existing("us", "user:"))
    assert c.cmd("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:") == error(overlap_existing("user:", "user:"))
    assert info_dict(c)["prefixes"] == ["user:"]


def test_switching_bcast_while_on_is_refused(raw):
    c = raw()
    c.call("CLIENT", "TRACKING", "ON")
    assert c.cmd("CLIENT", "TRACKING", "ON", "BCAST") == error(ERR_SWITCH_BCAST)
    c.call("CLIENT", "TRACKING", "OFF")
    c.call("CLIENT", "TRACKING", "ON", "BCAST")
    assert c.cmd("CLIENT", "TRACKING", "ON") == error(ERR_SWITCH_BCAST)
    # OFF, then any mode.
    assert c.call("CLIENT", "TRACKING", "OFF") == "OK"
    assert c.call("CLIENT", "TRACKING", "ON", "OPTIN") == "OK"


def test_switching_optin_optout_while_on_is_refused(raw):
    c = raw()
    c.call("CLIENT", "TRACKING", "ON", "OPTIN")
    assert c.cmd("CLIENT", "TRACKING", "ON", "OPTOUT") == error(ERR_SWITCH_OPT)
    c.call("CLIENT", "TRACKING", "OFF")
    c.call("CLIENT", "TRACKING", "ON", "OPTOUT")
    assert c.cmd("CLIENT", "TRACKING", "ON", "OPTIN") == error(ERR_SWITCH_OPT)


def test_tracking_on_again_without_optin_drops_optin(raw):
    c = raw()
    c.call("CLIENT", "TRACKING", "ON", "OPTIN")
    assert c.call("CLIENT", "TRACKING", "ON") == "OK"
    assert info_dict(c)["flags"] == ["on"]


def test_tracking_on_again_replaces_redirect_and_noloop(raw):
    c = raw()
    target = raw()
    tid = target.call("CLIENT", "ID")
    c.call("CLIENT", "TRACKING", "ON", "NOLOOP", "REDIRECT", tid)
    assert c.call("CLIENT", "TRACKING", "ON") == "OK"
    info = info_dict(c)
    assert (info["flags"], info["redirect"]) == (["on"], 0)


def test_prefix_without_bcast_on_a_bcast_client(raw):
    c = raw()
    c.call("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a")
    assert c.cmd("CLIENT", "TRACKING", "ON", "PREFIX", "b") == error(ERR_PREFIX_NO_BCAST)


def test_client_caching_outside_optin_optout(raw):
    c = raw()
    assert c.cmd("CLIENT", "CACHING", "YES") == error(ERR_CACHING_MODE)
    assert c.cmd("CLIENT", "CACHING", "NO") == error(ERR_CACHING_MODE)
    c.call("CLIENT", "TRACKING", "ON", "OPTIN")
    assert c.cmd("CLIENT", "CACHING", "NO") == error(ERR_CACHING_NO)
    assert c.cmd("CLIENT", "CACHING", "MAYBE") == error(SYNTAX)
    c.call("CLIENT", "TRACKING", "OFF")
    c.call("CLIENT", "TRACKING", "ON", "OPTOUT")
    assert c.cmd("CLIENT", "CACHING", "YES") == error(ERR_CACHING_YES)


def test_client_caching_in_default_tracking_mode(raw):
    c = raw()
    c.call("CLIENT", "TRACKING", "ON")
    assert c.cmd("CLIENT", "CACHING", "YES") == error(ERR_CACHING_YES)
    assert c.cmd("CLIENT", "CACHING", "NO") == error(ERR_CACHING_NO)
