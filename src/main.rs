//! The `hearth` command line: serve (default), migrate, create-admin, seed-demo, print-schema, token,
//! export and import (HUD HMIS CSV).

use clap::{Parser, Subcommand};
use hearth::app::{self, AppState};
use hearth::config::{CommunitySettings, DatabaseSettings, ServerSettings};
use std::process::ExitCode;

/// jemalloc for everything Rust allocates (the bundled SQLite keeps the C library's malloc): see the
/// dependency's note in Cargo.toml.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[derive(Parser)]
#[command(
    name = "hearth",
    version,
    about = "GraphQL API server for HMIS Coordinated Entry referrals"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    database: DatabaseSettings,
    #[command(flatten)]
    community: CommunitySettings,
}

#[derive(Subcommand)]
enum Command {
    /// Run pending migrations, then serve GraphQL at /graphql (the default command).
    Serve(ServerSettings),
    /// Run pending migrations and exit.
    Migrate,
    /// Create an administrator; prints the new admin's API token as the last line.
    CreateAdmin {
        /// The administrator's email address.
        #[arg(long)]
        email: String,
        /// The administrator's name (the email when left out).
        #[arg(long)]
        name: Option<String>,
    },
    /// Load a small demo community through the service layer; prints a token per demo user.
    SeedDemo,
    /// Print the GraphQL schema (SDL), as kept in schema.graphql.
    PrintSchema,
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Write a HUD HMIS CSV export (FY2026 unless --format fy2024) of a date range to a zip file.
    Export {
        /// First day of the range (yyyy-mm-dd).
        #[arg(long)]
        from: String,
        /// Last day of the range (yyyy-mm-dd), included.
        #[arg(long)]
        to: String,
        /// The zip file to write.
        #[arg(long)]
        out: std::path::PathBuf,
        /// The HMIS CSV format: fy2026 (HUD's current, the default) or fy2024.
        #[arg(long, default_value = "fy2026")]
        format: hearth::interop::columns::CsvFormat,
    },
    /// Copy a live SQLite database to a new file, consistent while the server serves (VACUUM
    /// INTO); PostgreSQL is backed up with pg_dump.
    Backup {
        /// The file to write; it must not exist.
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Load a HUD HMIS CSV zip, all or nothing; reports every bad row and exits non-zero if any.
    Import {
        /// The zip file to read.
        file: std::path::PathBuf,
        /// Most bytes the zip's files may expand to; a larger zip is refused before anything is
        /// loaded.
        #[arg(long, env = "HEARTH_IMPORT_MAX_BYTES", default_value_t = hearth::interop::bounds::DEFAULT_MAX_EXPANDED_BYTES)]
        max_bytes: u64,
        /// The ADMIN (by email) the audit trail names for the records added; without it, the
        /// command itself (`hearth import`).
        #[arg(long = "as", value_name = "EMAIL")]
        as_email: Option<String>,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Revoke an API token, given its id or the token itself; it fails from its next request on.
    Revoke {
        /// The token's id (from `createApiToken`) or the token.
        token: String,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let telemetry = hearth::telemetry::init();
    let cli = Cli::parse();
    let code = match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("hearth: {message}");
            ExitCode::FAILURE
        }
    };
    telemetry.shutdown();
    code
}

async fn run(cli: Cli) -> Result<(), String> {
    let command = cli
        .command
        .unwrap_or_else(|| Command::Serve(ServerSettings::parse_from_env()));
    if let Command::PrintSchema = command {
        print!("{}", hearth::graphql::sdl());
        return Ok(());
    }
    // Settings that contradict each other stop every command that opens the database, at once.
    cli.database.read_replica()?;
    // A backup copies the database as it is: it runs no migration.
    if let Command::Backup { out } = &command {
        let backup = hearth::backup::to_file(&cli.database, out).await?;
        println!(
            "Backed up {} to {} ({} bytes in {:.1} s)",
            backup.database.display(),
            backup.out.display(),
            backup.bytes,
            backup.took.as_secs_f64()
        );
        return Ok(());
    }
    if let Command::Serve(settings) = command {
        let services = hearth::open_with_replica(&cli.database, &cli.community)
            .await
            .map_err(|err| format!("cannot open the database: {err}"))?;
        let listener = tokio::net::TcpListener::bind(settings.bind)
            .await
            .map_err(|err| format!("cannot listen on {}: {err}", settings.bind))?;
        let address = listener.local_addr().map_err(|err| err.to_string())?;
        tracing::info!(%address, "serving GraphQL");
        eprintln!("Hearth is listening: playground and API at http://{address}/graphql");
        return app::serve(listener, AppState::new(services, settings))
            .await
            .map_err(|err| format!("server failed: {err}"));
    }
    // The export is a reporting read: it may run on the replica, as the server's download does.
    let services = if matches!(command, Command::Export { .. }) {
        hearth::open_with_replica(&cli.database, &cli.community).await
    } else {
        hearth::open(&cli.database, &cli.community).await
    }
    .map_err(|err| format!("cannot open the database: {err}"))?;
    match command {
        Command::Serve(_) | Command::PrintSchema | Command::Backup { .. } => Ok(()),
        Command::Migrate => {
            eprintln!("migrations are up to date");
            Ok(())
        }
        Command::CreateAdmin { email, name } => {
            let created = hearth::service::admin::create_admin(&services, &email, name.as_deref())
                .await
                .map_err(|err| err.public_message())?;
            println!(
                "Created ADMIN {} in organization \"{}\" ({})",
                created.user.email, created.organization.name, created.organization.id
            );
            println!("{}", created.token);
            Ok(())
        }
        Command::Token(TokenCommand::Revoke { token }) => {
            let revoked = hearth::service::tokens::revoke_by_operator(&services, &token)
                .await
                .map_err(|err| err.public_message())?;
            println!("Revoked API token {} ({})", revoked.id, revoked.label);
            Ok(())
        }
        Command::Export {
            from,
            to,
            out,
            format,
        } => {
            let range = hearth::interop::ExportRange::parse(&from, &to)
                .map_err(|err| err.public_message())?;
            let request = hearth::interop::export::ExportRequest { range, format };
            let summary = hearth::interop::export::to_file(&services, request, &out)
                .await
                .map_err(|err| err.public_message())?;
            for (file, rows) in &summary.rows {
                println!("{file}: {rows} rows");
            }
            println!(
                "Exported {}..{} to {} (ExportID {})",
                range.from(),
                range.to(),
                out.display(),
                summary.export_id
            );
            Ok(())
        }
        Command::Import {
            file,
            max_bytes,
            as_email,
        } => {
            let report = hearth::interop::import::import_file(
                &services,
                &file,
                max_bytes,
                as_email.as_deref(),
            )
            .await
            .map_err(|err| err.public_message())?;
            print!("{report}");
            if report.loaded {
                Ok(())
            } else {
                Err(format!(
                    "{} was not imported: {} problem(s); nothing was loaded",
                    file.display(),
                    report.problems.len()
                ))
            }
        }
        Command::SeedDemo => {
            let seeded = hearth::demo::seed(&services)
                .await
                .map_err(|err| err.public_message())?;
            print!("{seeded}");
            Ok(())
        }
    }
}

trait FromEnv {
    fn parse_from_env() -> Self;
}

impl FromEnv for ServerSettings {
    /// The serve settings when `hearth` runs with no subcommand: from the environment and defaults.
    fn parse_from_env() -> Self {
        #[derive(Parser)]
        struct ServeOnly {
            #[command(flatten)]
            settings: ServerSettings,
        }
        ServeOnly::parse_from(["hearth"]).settings
    }
}
