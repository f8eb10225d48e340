//! Connection commands over a real socket: PING ECHO HELLO AUTH SELECT
//! CLIENT RESET QUIT, the errors every command shares, and the limits a
//! connection meets on arrival (requirepass, maxclients).

mod common;

use std::time::Duration;

use common::{arr, bulk, client_field, cmd, err, int, ok, query_err, simple, Frame, Server, NOT_INT, SYNTAX};
use redis::Value;

const HELLO_KEYS: [&str; 7] = ["server", "version", "proto", "id", "mode", "role", "modules"];
const WRONGPASS: &str = "WRONGPASS invalid username-password pair or user is disabled.";
const NOAUTH: &str = "NOAUTH Authentication required.";
const SHORT: Duration = Duration::from_millis(200);

fn as_text(v: &Value) -> String {
    match v {
        Value::BulkString(b) => String::from_utf8_lossy(b).into_owned(),
        Value::SimpleString(s) => s.clone(),
        Value::VerbatimString { text, .. } => text.clone(),
        other => panic!("not a string: {other:?}"),
    }
}

/// Redis's HELLO has exactly the seven keys; Hearth adds `hearth_version`
/// after them (DESIGN.md, section 9), where clients keyed on the first seven
/// do not notice it.
fn assert_hearth_extra(s: &Server, extra: &[String]) {
    let expected: &[&str] = if s.is_reference() { &[] } else { &["hearth_version"] };
    assert_eq!(extra, expected);
}

// -- PING / ECHO ----------------------------------------------------------

#[test]
fn ping_replies_pong_status_in_both_protocols() {
    let s = Server::new();
    for mut con in [s.con2(), s.con3()] {
        let v: Value = cmd(&["PING"]).query(&mut con).unwrap();
        assert_eq!(v, Value::SimpleString("PONG".into()));
        let v: Value = cmd(&["PING", "hello world"]).query(&mut con).unwrap();
        assert_eq!(v, Value::BulkString(b"hello world".to_vec()));
    }
}

#[test]
fn ping_with_argument_is_a_bulk_string_even_when_empty() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(c.cmd(&["PING"]), simple("PONG"));
    assert_eq!(c.cmd(&["PING", ""]), bulk(""));
    assert_eq!(c.cmd(&["PING", "a", "b"]), err("ERR wrong number of arguments for 'ping' command"));
}

#[test]
fn echo_returns_its_argument_binary_safe() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(c.cmd(&["ECHO", "hi\r\nthere"]), bulk("hi\r\nthere"));
    assert_eq!(c.cmd(&[&b"ECHO"[..], b"\x00\xff"]), bulk(b"\x00\xff"));
    assert_eq!(c.cmd(&["ECHO"]), err("ERR wrong number of arguments for 'echo' command"));
}

// -- HELLO --------------------------------------------------------------------

#[test]
fn hello_3_returns_a_map_in_redis_order() {
    let s = Server::new();
    let mut con = s.con2();
    let v: Value = cmd(&["HELLO", "3"]).query(&mut con).unwrap();
    let Value::Map(pairs) = v else { panic!("HELLO 3 must be a map, got {v:?}") };
    let keys: Vec<String> = pairs.iter().map(|(k, _)| as_text(k)).collect();
    assert_eq!(keys[..7], HELLO_KEYS);
    assert_hearth_extra(&s, &keys[7..]);
    assert_eq!(as_text(&pairs[0].1), "redis");
    if !s.is_reference() {
        assert_eq!(as_text(&pairs[1].1), "7.4.0");
    }
    assert_eq!(pairs[2].1, Value::Int(3));
    assert!(matches!(pairs[3].1, Value::Int(id) if id > 0));
    assert_eq!(as_text(&pairs[4].1), "standalone");
    assert_eq!(as_text(&pairs[5].1), "master");
    assert_eq!(pairs[6].1, Value::Array(vec![]));
}

#[test]
fn hello_2_returns_a_flat_array_in_redis_order() {
    let s = Server::new();
    let mut con = s.con2();
    let v: Value = cmd(&["HELLO", "2"]).query(&mut con).unwrap();
    let Value::Array(items) = v else { panic!("HELLO 2 must be an array, got {v:?}") };
    let keys: Vec<String> = items.iter().step_by(2).map(as_text).collect();
    assert_eq!(keys[..7], HELLO_KEYS);
    assert_hearth_extra(&s, &keys[7..]);
    assert_eq!(as_text(&items[1]), "redis");
    if !s.is_reference() {
        assert_eq!(as_text(&items[3]), "7.4.0");
    }
    assert_eq!(items[5], Value::Int(2));
    assert_eq!(items[13], Value::Array(vec![]));
}

#[test]
fn hello_3_frame_is_a_resp3_map_on_the_wire() {
    let s = Server::new();
    let mut c = s.raw();
    let Frame::Map(pairs) = c.cmd(&["HELLO", "3"]) else { panic!("not a map") };
    assert_eq!(pairs[0], (bulk("server"), bulk("redis")));
    assert_eq!(pairs[2], (bulk("proto"), int(3)));
    assert_eq!(pairs[6], (bulk("modules"), arr(vec![])));
}

#[test]
fn resp3_url_makes_the_redis_crate_see_resp3_types() {
    let s = Server::new();
    let mut con = s.con3();
    let v: Value = cmd(&["GET", "missing"]).query(&mut con).unwrap();
    assert_eq!(v, Value::Nil);
    let v: Value = cmd(&["HELLO"]).query(&mut con).unwrap();
    let Value::Map(pairs) = v else { panic!("HELLO on a RESP3 connection must be a map: {v:?}") };
    assert_eq!(pairs[2].1, Value::Int(3));
}

#[test]
fn hello_id_matches_client_id() {
    let s = Server::new();
    let mut con = s.con2();
    let v: Value = cmd(&["HELLO", "3"]).query(&mut con).unwrap();
    let Value::Map(pairs) = v else { panic!("{v:?}") };
    let id: i64 = cmd(&["CLIENT", "ID"]).query(&mut con).unwrap();
    assert_eq!(pairs[3].1, Value::Int(id));
}

#[test]
fn hello_without_version_reports_current_protocol() {
    let s = Server::new();
    let mut c = s.raw();
    let reply = c.cmd(&["HELLO"]);
    assert_eq!(reply.items()[5], int(2), "{reply:?}");
    c.hello3();
    let Frame::Map(pairs) = c.cmd(&["HELLO"]) else { panic!("HELLO after HELLO 3 must be a map") };
    assert_eq!(pairs[2].1, int(3));
}

#[test]
fn hello_rejects_unsupported_versions_and_keeps_the_protocol() {
    let s = Server::new();
    let mut c = s.raw();
    let noproto = err("NOPROTO unsupported protocol version");
    assert_eq!(c.cmd(&["HELLO", "4"]), noproto);
    assert_eq!(c.cmd(&["HELLO", "1"]), noproto);
    assert_eq!(c.cmd(&["HELLO", "foo"]), err("ERR Protocol version is not an integer or out of range"));
    assert!(matches!(c.cmd(&["HELLO"]), Frame::Array(_)));
}

#[test]
fn hello_setname_names_the_connection() {
    let s = Server::new();
    let mut c = s.raw();
    assert!(matches!(c.cmd(&["HELLO", "3", "SETNAME", "worker-1"]), Frame::Map(_)));
    assert_eq!(c.cmd(&["CLIENT", "GETNAME"]), bulk("worker-1"));
    assert_eq!(
        c.cmd(&["HELLO", "3", "SETNAME", "a b"]),
        err("ERR Client names cannot contain spaces, newlines or special characters.")
    );
}

#[test]
fn hello_auth_without_credentials_is_a_syntax_error_naming_the_option() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(c.cmd(&["HELLO", "3", "AUTH"]), err("ERR Syntax error in HELLO option 'AUTH'"));
    assert_eq!(c.cmd(&["HELLO", "3", "auth", "x"]), err("ERR Syntax error in HELLO option 'auth'"));
}

// -- AUTH / requirepass --------------------------------------------------------

#[test]
fn auth_without_configured_password_is_refused() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(
        c.cmd(&["AUTH", "x"]),
        err("ERR AUTH <password> called without any password configured for the default user. \
             Are you sure your configuration is correct?")
    );
    assert_eq!(c.cmd(&["AUTH", "someone", "x"]), err(WRONGPASS));
    // The default user is `nopass`: any password is accepted for it.
    assert_eq!(c.cmd(&["AUTH", "default", "whatever"]), ok());
}

#[test]
fn requirepass_refuses_commands_with_noauth_before_auth() {
    let s = Server::start(&["--requirepass", "s"]);
    let mut c = s.raw();
    assert_eq!(c.cmd(&["GET", "a"]), err(NOAUTH));
    assert_eq!(c.cmd(&["PING"]), err(NOAUTH));
    let Frame::Error(text) = c.cmd(&["HELLO", "3"]) else { panic!("HELLO without AUTH must fail") };
    assert!(text.starts_with("NOAUTH HELLO must be called with the client already authenticated"), "{text}");
    assert_eq!(c.cmd(&["AUTH", "wrong"]), err(WRONGPASS));
    assert_eq!(c.cmd(&["GET", "a"]), err(NOAUTH));
    assert_eq!(c.cmd(&["AUTH", "s"]), ok());
    assert_eq!(c.cmd(&["GET", "a"]), Frame::NullBulk);
    assert_eq!(c.cmd(&["AUTH", "default", "s"]), ok());
}

#[test]
fn requirepass_hello_3_auth_default_authenticates_and_switches() {
    let s = Server::start(&["--requirepass", "s"]);
    let mut c = s.raw();
    assert_eq!(c.cmd(&["HELLO", "3", "AUTH", "default", "wrong"]), err(WRONGPASS));
    let Frame::Map(pairs) = c.cmd(&["HELLO", "3", "AUTH", "default", "s"]) else {
        panic!("HELLO 3 AUTH default s must answer a map")
    };
    assert_eq!(pairs[2].1, int(3));
    assert_eq!(c.cmd(&["GET", "a"]), Frame::Null);
}

#[test]
fn requirepass_redis_crate_password_in_url_authenticates() {
    let s = Server::start(&["--requirepass", "s"]);
    for url in [
        format!("redis://:s@127.0.0.1:{}", s.port()),
        format!("redis://default:s@127.0.0.1:{}/?protocol=resp3", s.port()),
    ] {
        let mut con = common::open(&url);
        let pong: String = cmd(&["PING"]).query(&mut con).unwrap();
        assert_eq!(pong, "PONG", "{url}");
    }
    let client = redis::Client::open(format!("redis://:nope@127.0.0.1:{}", s.port())).unwrap();
    let e = client.get_connection().err().expect("a wrong password must fail");
    assert_eq!(e.kind(), redis::ErrorKind::AuthenticationFailed, "{e}");
}

// -- SELECT -----------------------------------------------------------------------

#[test]
fn select_every_db_and_dbs_are_isolated() {
    let s = Server::new();
    let mut con = s.con2();
    for db in 0..16 {
        let _: () = cmd(&["SELECT", &db.to_string()]).query(&mut con).unwrap();
        let _: () = cmd(&["SET", "k", &format!("v{db}")]).query(&mut con).unwrap();
    }
    for db in 0..16 {
        let _: () = cmd(&["SELECT", &db.to_string()]).query(&mut con).unwrap();
        let v: String = cmd(&["GET", "k"]).query(&mut con).unwrap();
        assert_eq!(v, format!("v{db}"));
        let n: i64 = cmd(&["DBSIZE"]).query(&mut con).unwrap();
        assert_eq!(n, 1);
    }
}

#[test]
fn select_out_of_range_index_is_refused() {
    let s = Server::new();
    let mut con = s.con2();
    for index in ["16", "-1", "100000"] {
        assert_eq!(query_err(&cmd(&["SELECT", index]), &mut con), "ERR DB index is out of range", "SELECT {index}");
    }
    for index in ["x", "1.5", ""] {
        assert_eq!(query_err(&cmd(&["SELECT", index]), &mut con), NOT_INT, "SELECT {index:?}");
    }
}

// -- CLIENT ------------------------------------------------------------------------

#[test]
fn client_id_is_distinct_and_increasing_per_connection() {
    let s = Server::new();
    let (mut a, mut b) = (s.raw(), s.raw());
    let ida = a.cmd(&["CLIENT", "ID"]).int();
    let idb = b.cmd(&["CLIENT", "ID"]).int();
    assert!(idb > ida, "{idb} > {ida}");
    assert_eq!(a.cmd(&["CLIENT", "ID"]), int(ida));
    assert_eq!(a.cmd(&["CLIENT", "ID", "x"]), err("ERR wrong number of arguments for 'client|id' command"));
}

#[test]
fn client_setname_getname_and_invalid_names() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(c.cmd(&["CLIENT", "GETNAME"]), Frame::NullBulk);
    assert_eq!(c.cmd(&["CLIENT", "SETNAME", "conn-1"]), ok());
    assert_eq!(c.cmd(&["CLIENT", "GETNAME"]), bulk("conn-1"));
    let bad = err("ERR Client names cannot contain spaces, newlines or special characters.");
    assert_eq!(c.cmd(&["CLIENT", "SETNAME", "a b"]), bad);
    assert_eq!(c.cmd(&["CLIENT", "SETNAME", "a\nb"]), bad);
    assert_eq!(c.cmd(&["CLIENT", "GETNAME"]), bulk("conn-1"));
    assert_eq!(c.cmd(&["CLIENT", "SETNAME", ""]), ok());
    assert_eq!(c.cmd(&["CLIENT", "GETNAME"]), Frame::NullBulk);
    c.hello3();
    assert_eq!(c.cmd(&["CLIENT", "GETNAME"]), Frame::Null);
}

#[test]
fn client_info_describes_this_connection() {
    let s = Server::new();
    let mut c = s.raw();
    let id = c.cmd(&["CLIENT", "ID"]).int();
    c.cmd(&["CLIENT", "SETNAME", "me"]);
    c.cmd(&["SELECT", "3"]);
    let reply = c.cmd(&["CLIENT", "INFO"]);
    assert!(matches!(reply, Frame::Bulk(_)), "{reply:?}");
    let line = reply.text();
    assert!(line.ends_with('\n') && line.matches('\n').count() == 1, "{line:?}");
    assert_eq!(client_field(&line, "id"), id.to_string());
    assert_eq!(client_field(&line, "name"), "me");
    assert_eq!(client_field(&line, "db"), "3");
    assert_eq!(client_field(&line, "flags"), "N");
    assert_eq!(client_field(&line, "multi"), "-1");
    assert_eq!(client_field(&line, "cmd"), "client|info");
    assert_eq!(client_field(&line, "user"), "default");
    assert_eq!(client_field(&line, "resp"), "2");
    assert_eq!(client_field(&line, "addr"), c.local_addr().to_string());
    assert_eq!(client_field(&line, "laddr"), s.addr().to_string());
}

#[test]
fn client_info_is_a_verbatim_string_in_resp3() {
    let s = Server::new();
    let mut con = s.con3();
    let v: Value = cmd(&["CLIENT", "INFO"]).query(&mut con).unwrap();
    let Value::VerbatimString { text, .. } = v else { panic!("CLIENT INFO over RESP3 must be verbatim: {v:?}") };
    assert_eq!(client_field(&text, "resp"), "3");
}

#[test]
fn client_list_shows_every_connection_with_its_last_command() {
    let s = Server::new();
    let (mut a, mut b) = (s.raw(), s.raw());
    a.cmd(&["CLIENT", "SETNAME", "alpha"]);
    b.cmd(&["CLIENT", "SETNAME", "beta"]);
    b.hello3();
    let text = a.cmd(&["CLIENT", "LIST"]).text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    let beta = lines.iter().find(|l| client_field(l, "name") == "beta").expect("beta listed");
    assert_eq!(client_field(beta, "resp"), "3");
    assert_eq!(client_field(beta, "cmd"), "hello");
    let idb = b.cmd(&["CLIENT", "ID"]).int();
    let only_b = a.cmd(&["CLIENT", "LIST", "ID", &idb.to_string()]).text();
    assert_eq!(only_b.lines().count(), 1);
    assert_eq!(client_field(&only_b, "id"), idb.to_string());
    assert_eq!(a.cmd(&["CLIENT", "LIST", "TYPE", "foo"]), err("ERR Unknown client type 'foo'"));
}

#[test]
fn client_kill_by_id_closes_the_other_connection() {
    let s = Server::new();
    let (mut a, mut b) = (s.raw(), s.raw());
    let idb = b.cmd(&["CLIENT", "ID"]).int();
    assert_eq!(a.cmd(&["CLIENT", "KILL", "ID", &idb.to_string()]), int(1));
    assert!(b.wait_closed(Duration::from_secs(5)), "killed client stays open");
    assert_eq!(a.cmd(&["CLIENT", "KILL", "ID", &idb.to_string()]), int(0));
    assert_eq!(a.cmd(&["CLIENT", "KILL", "ID", "abc"]), err("ERR client-id should be greater than 0"));
    assert_eq!(a.cmd(&["PING"]), simple("PONG"));
}

#[test]
fn client_kill_by_address_old_and_new_forms() {
    let s = Server::new();
    let (mut a, mut b) = (s.raw(), s.raw());
    b.cmd(&["PING"]);
    let addr = b.local_addr().to_string();
    assert_eq!(a.cmd(&["CLIENT", "KILL", &addr]), ok());
    assert!(b.wait_closed(Duration::from_secs(5)));
    assert_eq!(a.cmd(&["CLIENT", "KILL", &addr]), err("ERR No such client"));
    let mut c = s.raw();
    c.cmd(&["PING"]);
    let addr = c.local_addr().to_string();
    assert_eq!(a.cmd(&["CLIENT", "KILL", "ADDR", &addr]), int(1));
    assert!(c.wait_closed(Duration::from_secs(5)));
}

#[test]
fn client_kill_skips_the_caller_unless_skipme_no() {
    let s = Server::new();
    let (mut a, mut b) = (s.raw(), s.raw());
    let ida = a.cmd(&["CLIENT", "ID"]).int().to_string();
    assert_eq!(a.cmd(&["CLIENT", "KILL", "ID", &ida]), int(0));
    assert_eq!(a.cmd(&["CLIENT", "KILL", "ID", &ida, "SKIPME", "no"]), int(1));
    assert!(a.wait_closed(Duration::from_secs(5)));
    assert_eq!(b.cmd(&["PING"]), simple("PONG"));
}

#[test]
fn client_kill_syntax_errors() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(c.cmd(&["CLIENT", "KILL"]), err("ERR wrong number of arguments for 'client|kill' command"));
    assert_eq!(c.cmd(&["CLIENT", "KILL", "ID", "1", "FOO", "bar"]), err(SYNTAX));
    assert_eq!(c.cmd(&["CLIENT", "KILL", "ID", "1", "SKIPME", "maybe"]), err(SYNTAX));
}

#[test]
fn client_reply_off_silences_until_on() {
    let s = Server::new();
    let mut c = s.raw();
    c.send_cmd(&["CLIENT", "REPLY", "OFF"]);
    c.send_cmd(&["SET", "a", "1"]);
    c.send_cmd(&["INCR", "a"]);
    c.send_cmd(&["NOSUCHCMD"]);
    c.assert_no_reply(SHORT);
    assert_eq!(c.cmd(&["CLIENT", "REPLY", "ON"]), ok());
    assert_eq!(c.cmd(&["GET", "a"]), bulk("2"));
}

#[test]
fn client_reply_skip_silences_only_the_next_command() {
    let s = Server::new();
    let mut c = s.raw();
    c.cmd(&["SET", "a", "1"]);
    c.send_cmd(&["CLIENT", "REPLY", "SKIP"]);
    c.send_cmd(&["INCR", "a"]);
    assert_eq!(c.cmd(&["GET", "a"]), bulk("2"));
    assert_eq!(c.cmd(&["CLIENT", "REPLY", "maybe"]), err(SYNTAX));
}

#[test]
fn client_unknown_subcommand_points_to_help() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(c.cmd(&["CLIENT", "FOO"]), err("ERR unknown subcommand 'FOO'. Try CLIENT HELP."));
    let help = c.cmd(&["CLIENT", "HELP"]);
    assert!(help.items().len() > 5);
    assert!(help.items()[0].text().starts_with("CLIENT <subcommand>"));
}

// -- RESET / QUIT ----------------------------------------------------------------------

#[test]
fn reset_restores_connection_defaults_and_drops_the_transaction() {
    let s = Server::new();
    let mut c = s.raw();
    c.hello3();
    c.cmd(&["SELECT", "5"]);
    c.cmd(&["CLIENT", "SETNAME", "temp"]);
    c.cmd(&["MULTI"]);
    assert_eq!(c.cmd(&["SET", "x", "1"]), simple("QUEUED"));
    assert_eq!(c.cmd(&["RESET"]), simple("RESET"));
    let line = c.cmd(&["CLIENT", "INFO"]).text();
    assert_eq!(client_field(&line, "db"), "0");
    assert_eq!(client_field(&line, "name"), "");
    assert_eq!(client_field(&line, "resp"), "2");
    assert_eq!(client_field(&line, "multi"), "-1");
    c.cmd(&["SELECT", "5"]);
    assert_eq!(c.cmd(&["EXISTS", "x"]), int(0));
}

#[test]
fn reset_clears_watched_keys() {
    let s = Server::new();
    let (mut a, mut b) = (s.raw(), s.raw());
    a.cmd(&["WATCH", "k"]);
    a.cmd(&["RESET"]);
    b.cmd(&["SET", "k", "changed"]);
    a.cmd(&["MULTI"]);
    a.cmd(&["SET", "k", "mine"]);
    assert_eq!(a.cmd(&["EXEC"]), arr(vec![ok()]));
}

#[test]
fn quit_replies_ok_and_closes() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(c.cmd(&["QUIT"]), ok());
    assert!(c.wait_closed(Duration::from_secs(5)));
}

// -- errors every command shares --------------------------------------------------------

#[test]
fn unknown_command_error_ends_with_a_space_after_the_args() {
    let s = Server::new();
    let mut c = s.raw();
    assert_eq!(c.cmd(&["FOO", "a", "b"]), err("ERR unknown command 'FOO', with args beginning with: 'a' 'b' "));
    assert_eq!(c.cmd(&["foo"]), err("ERR unknown command 'foo', with args beginning with: "));
    let mut con = s.con2();
    assert_eq!(
        query_err(&cmd(&["NOSUCHCMD", "x"]), &mut con),
        "ERR unknown command 'NOSUCHCMD', with args beginning with: 'x' "
    );
}

#[test]
fn wrong_arity_error_names_the_command_in_lowercase() {
    let s = Server::new();
    let mut c = s.raw();
    let cases: [(&[&str], &str); 8] = [
        (&["GET"], "get"),
        (&["GeT", "a", "b"], "get"),
        (&["SET", "a"], "set"),
        (&["MGET"], "mget"),
        (&["MSET", "a", "1", "b"], "mset"),
        (&["EXPIRE", "a"], "expire"),
        (&["SELECT"], "select"),
        (&["INCRBY", "a"], "incrby"),
    ];
    for (args, name) in cases {
        assert_eq!(c.cmd(args), err(&format!("ERR wrong number of arguments for '{name}' command")), "{args:?}");
    }
    assert_eq!(c.cmd(&["PING"]), simple("PONG"), "errors keep the connection");
}

// -- limits on arrival -------------------------------------------------------------------

#[test]
fn maxclients_refuses_the_connection_over_the_limit() {
    let s = Server::start(&["--maxclients", "1"]);
    let mut first = s.raw();
    assert_eq!(first.cmd(&["PING"]), simple("PONG"));
    let mut second = s.raw();
    assert_eq!(second.read(), err("ERR max number of clients reached"));
    assert!(second.wait_closed(Duration::from_secs(5)));
    assert_eq!(first.cmd(&["PING"]), simple("PONG"));
    first.close();
    // The slot frees up once the first client is gone.
    assert!(common::eventually(Duration::from_secs(5), || {
        let mut third = s.raw();
        third.cmd(&["PING"]) == simple("PONG")
    }));
}
