//! `hearth-server [/path/to/hearth.conf] [--name value ...]`

use tikv_jemallocator::Jemalloc;

#[global_allocator]
static GLOBAL: Jemalloc = Jemalloc;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-v" || a == "--version") {
        println!(
            "Hearth server v={} (Redis {} compatible)",
            hearth_server::server::HEARTH_VERSION,
            hearth_server::server::REDIS_VERSION
        );
        return Ok(());
    }
    let config = match hearth_server::config::Config::from_args(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    hearth_server::log::warning("oO0OoO0OoO0Oo Hearth is starting oO0OoO0OoO0Oo");
    hearth_server::log::warning(&format!(
        "Hearth version={}, redis_version={}, bits=64, pid={}, just started",
        hearth_server::server::HEARTH_VERSION,
        hearth_server::server::REDIS_VERSION,
        std::process::id()
    ));
    if let Err(e) = hearth_server::server::run(config) {
        hearth_server::log::warning(&format!("Failed to start: {e}"));
        std::process::exit(1);
    }
    Ok(())
}
