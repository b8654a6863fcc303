//! The `gazette` binary: parse the command line, set up logging, dispatch.

use std::process::ExitCode;

use clap::Parser;
use gazette::cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("GAZETTE_LOG")
                .unwrap_or_else(|_| "info,sqlx=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => gazette::cmd::serve::run(args).await,
            Command::Migrate(args) => gazette::cmd::migrate::run(args).await,
            Command::Import(args) => gazette::cmd::import::run(args).await,
            Command::Reindex(args) => gazette::cmd::reindex::run(args).await,
            Command::User(cmd) => gazette::cmd::user::run(cmd).await,
            Command::ApiKey(cmd) => gazette::cmd::api_key::run(cmd).await,
            Command::Build(args) => gazette::cmd::build::run(args).await,
            Command::Views(args) => gazette::cmd::views::run(args).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// glibc's malloc spends a sixth of a static build in its locks and free
/// lists with two threads rendering; mimalloc's thread-local heaps do not.
/// With its `override` feature it also serves C's malloc (SQLite's, whose
/// page and statement allocations showed up in glibc's free lists).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
