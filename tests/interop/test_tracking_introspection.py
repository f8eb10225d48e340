"""Client tracking as the server reports it: CLIENT GETREDIR, CLIENT
TRACKINGINFO and the tracking flags and redir field of CLIENT LIST/INFO.
"""

from __future__ import annotations

import time

import pytest

from rawresp import Frame, plain
from tracking_support import client_info, info_dict, t3, w  # noqa: F401 - t3, w: pytest fixtures


# -- CLIENT GETREDIR / TRACKINGINFO / LIST --------------------------------------------


def test_getredir_is_minus_one_off_zero_on_else_the_id(raw):
    c = raw()
    target = raw()
    tid = target.call("CLIENT", "ID")
    assert c.call("CLIENT", "GETREDIR") == -1
    c.call("CLIENT", "TRACKING", "ON")
    assert c.call("CLIENT", "GETREDIR") == 0
    c.call("CLIENT", "TRACKING", "OFF")
    assert c.call("CLIENT", "GETREDIR") == -1
    c.call("CLIENT", "TRACKING", "ON", "REDIRECT", tid)
    assert c.call("CLIENT", "GETREDIR") == tid


@pytest.mark.parametrize(
    "opts,flags",
    [
        ((), ["on"]),
        (("BCAST",), ["on", "bcast"]),
        (("OPTIN",), ["on", "optin"]),
        (("OPTOUT",), ["on", "optout"]),
        (("NOLOOP",), ["on", "noloop"]),
        (("BCAST", "NOLOOP"), ["on", "bcast", "noloop"]),
        (("OPTIN", "NOLOOP"), ["on", "optin", "noloop"]),
    ],
)
def test_trackinginfo_flags(t3, opts, flags):
    assert info_dict(t3) == {"flags": ["off"], "redirect": -1, "prefixes": []}
    t3.call("CLIENT", "TRACKING", "ON", *opts)
    info = info_dict(t3)
    assert info["flags"] == flags
    assert info["redirect"] == 0
    assert info["prefixes"] == ([""] if "BCAST" in opts else [])
    t3.call("CLIENT", "TRACKING", "OFF")
    assert info_dict(t3) == {"flags": ["off"], "redirect": -1, "prefixes": []}


def test_trackinginfo_reply_types(t3):
    t3.call("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "p")
    reply = t3.cmd("CLIENT", "TRACKINGINFO")
    assert reply.kind == "%"
    kinds = {plain(k): v.kind for k, v in reply.value}
    assert kinds == {"flags": "~", "redirect": ":", "prefixes": "*"}


def test_trackinginfo_caching_flags(t3):
    t3.call("CLIENT", "TRACKING", "ON", "OPTIN")
    t3.call("CLIENT", "CACHING", "YES")
    assert info_dict(t3)["flags"] == ["on", "optin", "caching-yes"]
    t3.call("PING")
    assert info_dict(t3)["flags"] == ["on", "optin"]
    t3.call("CLIENT", "TRACKING", "OFF")
    t3.call("CLIENT", "TRACKING", "ON", "OPTOUT")
    t3.call("CLIENT", "CACHING", "NO")
    assert info_dict(t3)["flags"] == ["on", "optout", "caching-no"]


def test_trackinginfo_redirect_and_resp2_shape(raw):
    target = raw()
    tid = target.call("CLIENT", "ID")
    c = raw()
    c.call("CLIENT", "TRACKING", "ON", "REDIRECT", tid, "BCAST", "PREFIX", "a")
    assert c.call("CLIENT", "TRACKINGINFO") == ["flags", ["on", "bcast"], "redirect", tid, "prefixes", ["a"]]


def test_trackinginfo_prefixes_are_sorted(t3):
    t3.call("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "b", "PREFIX", "a", "PREFIX", "c")
    assert info_dict(t3)["prefixes"] == ["a", "b", "c"]


def test_client_list_flags_and_redir(raw, w):
    c = raw()
    target = raw()
    tid = target.call("CLIENT", "ID")
    ci = client_info(c)
    assert (ci["flags"], ci["redir"]) == ("N", "-1")
    c.call("CLIENT", "TRACKING", "ON")
    ci = client_info(c)
    assert (ci["flags"], ci["redir"]) == ("t", "0")
    c.call("CLIENT", "TRACKING", "OFF")
    c.call("CLIENT", "TRACKING", "ON", "BCAST", "REDIRECT", tid)
    ci = client_info(c)
    assert (ci["flags"], ci["redir"]) == ("tB", str(tid))
    cid = c.call("CLIENT", "ID")
    line = w.call("CLIENT", "LIST", "ID", cid)
    assert " flags=tB " in line and f" redir={tid} " in line


def test_client_list_flag_order_with_broken_bcast_redirect(raw, t3, w):
    target = raw()
    tid = target.call("CLIENT", "ID")
    t3.call("CLIENT", "TRACKING", "ON", "BCAST", "REDIRECT", tid)
    target.close()
    deadline = time.monotonic() + 5
    while f"id={tid} " in w.call("CLIENT", "LIST") and time.monotonic() < deadline:
        time.sleep(0.01)
    w.call("SET", "k", "v")
    assert t3.read() == Frame(">", [Frame("$", b"tracking-redir-broken"), Frame(":", tid)])
    assert client_info(t3)["flags"] == "tRB"
