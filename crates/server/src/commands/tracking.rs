//! CLIENT TRACKING, CLIENT CACHING, CLIENT GETREDIR, CLIENT TRACKINGINFO,
//! with Redis's option validation and error texts.

use bytes::Bytes;
use hearth_resp::{Args, Frame};

use super::args::{is, parse_canonical_i64};
use super::Ctx;
use crate::reply::{bulk_static, err, err_owned, SYNTAX};
use crate::tracking::{TrackingMode, TrackingState};

fn overlap(a: &[u8], b: &[u8]) -> bool {
    a.starts_with(b) || b.starts_with(a)
}

fn show(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Redis's checkPrefixCollisionsOrReply.
fn check_prefixes(existing: &[Bytes], new: &[Bytes]) -> Result<(), Frame> {
    for (i, p) in new.iter().enumerate() {
        if let Some(old) = existing.iter().find(|o| overlap(o, p)) {
            return Err(err_owned(format!(
                "ERR Prefix '{}' overlaps with an existing prefix '{}'. Prefixes for a single client must not overlap.",
                show(p),
                show(old)
            )));
        }
        if let Some(other) = new[i + 1..].iter().find(|o| overlap(o, p)) {
            return Err(err_owned(format!(
                "ERR Prefix '{}' overlaps with another provided prefix '{}'. Prefixes for a single client must not overlap.",
                show(p),
                show(other)
            )));
        }
    }
    Ok(())
}

/// CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
pub fn tracking(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let on = if is(&args[2], "on") {
        true
    } else if is(&args[2], "off") {
        false
    } else {
        return err(SYNTAX);
    };
    let (mut redirect, mut bcast, mut optin, mut optout, mut noloop) = (None, false, false, false, false);
    let mut prefixes: Vec<Bytes> = Vec::new();
    let mut i = 3;
    while i < args.len() {
        let more = i + 1 < args.len();
        if is(&args[i], "redirect") && more {
            if redirect.is_some() {
                return err("ERR A client can only redirect to a single other client");
            }
            let Some(id) = parse_canonical_i64(&args[i + 1]) else {
                return err(crate::reply::NOT_INTEGER);
            };
            if id <= 0 || ctx.shared.clients.get(id as u64).is_none() {
                return err("ERR The client ID you want redirect to does not exist");
            }
            redirect = Some(id as u64);
            i += 1;
        } else if is(&args[i], "bcast") {
            bcast = true;
        } else if is(&args[i], "optin") {
            optin = true;
        } else if is(&args[i], "optout") {
            optout = true;
        } else if is(&args[i], "noloop") {
            noloop = true;
        } else if is(&args[i], "prefix") && more {
            prefixes.push(Bytes::copy_from_slice(&args[i + 1]));
            i += 1;
        } else {
            return err(SYNTAX);
        }
        i += 1;
    }
    let Some(tracking) = crate::tracking::get() else {
        return err("ERR tracking is not available");
    };
    let handle = ctx.client.handle.clone();
    if !on {
        stop_tracking(ctx.client);
        return Frame::ok();
    }
    let current = handle.tracking.lock().clone();
    // Checks in Redis's order (networking.c, CLIENT TRACKING ON).
    if !bcast && !prefixes.is_empty() {
        return err("ERR PREFIX option requires BCAST mode to be enabled");
    }
    if current.enabled() && (current.mode == TrackingMode::Bcast) != bcast {
        return err("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.");
    }
    if bcast && (optin || optout) {
        return err("ERR OPTIN and OPTOUT are not compatible with BCAST");
    }
    if optin && optout {
        return err("ERR You can't specify both OPTIN mode and OPTOUT mode");
    }
    if current.enabled() && ((optin && current.optout) || (optout && current.optin)) {
        return err("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.");
    }
    if bcast {
        if let Err(e) = check_prefixes(&current.prefixes, &prefixes) {
            return e;
        }
        if prefixes.is_empty() {
            prefixes.push(Bytes::new());
        }
        // Like enableBcastTrackingForPrefix: a prefix already held is kept once.
        prefixes.retain(|p| !current.prefixes.contains(p));
    }
    // Reads from now on must survive the sweep of a previous session's ids.
    tracking.revive(handle.id);
    if !current.enabled() {
        tracking.clients.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    if bcast && !prefixes.is_empty() {
        tracking.add_prefixes(handle.id, &prefixes, current.enabled());
    }
    let mut all_prefixes = current.prefixes.clone();
    all_prefixes.extend(prefixes);
    all_prefixes.sort();
    // enableTracking: redirect, NOLOOP, OPTIN/OPTOUT and the broken mark
    // are replaced by this call's options; prefixes accumulate.
    *handle.tracking.lock() = TrackingState {
        mode: if bcast { TrackingMode::Bcast } else { TrackingMode::Default },
        redirect: redirect.unwrap_or(0),
        noloop,
        optin,
        optout,
        caching: current.caching,
        prefixes: if bcast { all_prefixes } else { Vec::new() },
        broken_redirect: false,
    };
    ctx.client.tracking_on = true;
    ctx.client.tracking_plain = !bcast && !optin && !optout;
    ctx.client.tracking_redirect = redirect.unwrap_or(0);
    Frame::ok()
}

/// CLIENT CACHING YES|NO
pub fn caching(ctx: &mut Ctx<'_>, args: Args<'_>) -> Frame {
    let mut t = ctx.client.handle.tracking.lock();
    if !t.enabled() {
        return err("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled");
    }
    if is(&args[2], "yes") {
        if !t.optin {
            return err("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.");
        }
        t.caching = Some(true);
    } else if is(&args[2], "no") {
        if !t.optout {
            return err("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.");
        }
        t.caching = Some(false);
    } else {
        return err(SYNTAX);
    }
    Frame::ok()
}

/// CLIENT GETREDIR: -1 tracking off, 0 on without redirect, else the id.
pub fn getredir(ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    let t = ctx.client.handle.tracking.lock();
    Frame::Integer(if !t.enabled() { -1 } else { t.redirect as i64 })
}

/// CLIENT TRACKINGINFO
pub fn trackinginfo(ctx: &mut Ctx<'_>, _args: Args<'_>) -> Frame {
    let t = ctx.client.handle.tracking.lock().clone();
    let mut flags = Vec::new();
    if !t.enabled() {
        flags.push("off");
    } else {
        flags.push("on");
        if t.mode == TrackingMode::Bcast {
            flags.push("bcast");
        }
        if t.optin {
            flags.push("optin");
            if t.caching == Some(true) {
                flags.push("caching-yes");
            }
        }
        if t.optout {
            flags.push("optout");
            if t.caching == Some(false) {
                flags.push("caching-no");
            }
        }
        if t.noloop {
            flags.push("noloop");
        }
        if t.broken_redirect {
            flags.push("broken_redirect");
        }
    }
    let redirect = if !t.enabled() { -1 } else { t.redirect as i64 };
    Frame::Map(vec![
        (bulk_static("flags"), Frame::Set(flags.into_iter().map(bulk_static).collect())),
        (bulk_static("redirect"), Frame::Integer(redirect)),
        (bulk_static("prefixes"), Frame::Array(t.prefixes.into_iter().map(Frame::Bulk).collect())),
    ])
}

/// Forgets a disconnecting (or RESET) client's tracking.
pub fn stop_tracking(ctx_client: &mut crate::conn::client::ClientState) {
    let old = std::mem::take(&mut *ctx_client.handle.tracking.lock());
    if let (true, Some(t)) = (old.enabled(), crate::tracking::get()) {
        t.forget(ctx_client.handle.id, &old);
        t.clients.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
    ctx_client.tracking_on = false;
    ctx_client.tracking_plain = false;
    ctx_client.tracking_redirect = 0;
}
