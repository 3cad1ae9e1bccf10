//! `hearth backup`: a consistent copy of a live SQLite database, taken while the server serves.
//!
//! SQLite's `VACUUM INTO` writes the database as one read transaction sees it: a snapshot in which
//! every committed write is whole and none half-done, while other connections go on writing (the
//! database runs in WAL mode, so the copy neither waits for writers nor holds them up past its
//! start). The copy is written beside the target as `<file>.partial`, checked (`PRAGMA quick_check`)
//! and only then renamed into place, so a backup that fails or is cut short leaves no file that looks
//! whole. A PostgreSQL database is backed up with PostgreSQL's own tools (pg_dump).

use crate::config::DatabaseSettings;
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What a backup wrote.
#[derive(Debug)]
pub struct Backup {
    pub database: PathBuf,
    pub out: PathBuf,
    pub bytes: u64,
    pub took: Duration,
}

/// Copies the SQLite database of `settings` to `out`, which must not exist yet.
pub async fn to_file(settings: &DatabaseSettings, out: &Path) -> Result<Backup, String> {
    if settings.is_postgres() {
        return Err(
            "hearth backup copies SQLite databases; back up PostgreSQL with its own tools: \
             `pg_dump --format=custom --file=hearth.dump \"$DATABASE_URL\"` (a consistent \
             snapshot while Hearth serves), restored with `pg_restore --dbname=<new database> \
             hearth.dump`"
                .to_owned(),
        );
    }
    let database = sqlite_file(&settings.database_url)?;
    if !database.exists() {
        return Err(format!(
            "{} does not exist: there is nothing to back up (DATABASE_URL)",
            database.display()
        ));
    }
    if out.exists() {
        return Err(format!(
            "{} exists already; a backup never overwrites a file: name a new one",
            out.display()
        ));
    }
    let partial = partial_path(out);
    // A leftover of an earlier backup cut short is no backup.
    let _ = std::fs::remove_file(&partial);
    let started = Instant::now();
    // What the copy will roughly weigh: the database and the writes still in its WAL.
    let mut wal = database.clone().into_os_string();
    wal.push("-wal");
    let total = [database.as_os_str(), wal.as_os_str()]
        .iter()
        .filter_map(|file| std::fs::metadata(file).ok())
        .map(|m| m.len())
        .sum();
    let copied = with_progress(vacuum_into(settings, &partial), &partial, total).await;
    let checked = match copied {
        Ok(()) => quick_check(&partial).await,
        Err(err) => Err(err),
    };
    if let Err(err) = checked {
        let _ = std::fs::remove_file(&partial);
        return Err(err);
    }
    std::fs::rename(&partial, out)
        .map_err(|err| format!("cannot move the backup into {}: {err}", out.display()))?;
    let bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    Ok(Backup {
        database,
        out: out.to_owned(),
        bytes,
        took: started.elapsed(),
    })
}

/// Runs `copy`, showing how much of the copy is written (its file's size, out of the database's)
/// until it ends: VACUUM INTO is one statement, which reports nothing itself.
async fn with_progress<T>(
    copy: impl std::future::Future<Output = T>,
    partial: &Path,
    total: u64,
) -> T {
    let mut progress = crate::progress::Progress::bytes("backup", total);
    tokio::pin!(copy);
    let mut tick = tokio::time::interval(Duration::from_millis(200));
    let result = loop {
        tokio::select! {
            result = &mut copy => break result,
            _ = tick.tick() => {
                let written = std::fs::metadata(partial).map(|m| m.len()).unwrap_or(0);
                progress.set(written);
            }
        }
    };
    progress.finish();
    result
}

/// The database file of a `sqlite:` URL (`sqlite://hearth.db?mode=rwc`, `sqlite:///abs/path.db`).
fn sqlite_file(url: &str) -> Result<PathBuf, String> {
    let rest = url
        .strip_prefix("sqlite:")
        .ok_or_else(|| format!("DATABASE_URL is neither sqlite: nor postgres: ({url})"))?;
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Err("an in-memory SQLite database has no file to back up".to_owned());
    }
    Ok(PathBuf::from(path))
}

fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    out.with_file_name(name)
}

/// `VACUUM INTO` the file at `target`, over a connection of its own. The live database is opened
/// without `mode=rwc`'s creation: it exists, and a backup must never make one.
async fn vacuum_into(settings: &DatabaseSettings, target: &Path) -> Result<(), String> {
    let db = crate::db::connect(settings)
        .await
        .map_err(|err| format!("cannot open the database: {err}"))?;
    let target = target
        .to_str()
        .ok_or_else(|| format!("{} is not a UTF-8 path", target.display()))?;
    // VACUUM INTO takes its file name as an expression: a string literal, its quotes doubled.
    let sql = format!("VACUUM INTO '{}'", target.replace('\'', "''"));
    let result = db
        .execute_raw(Statement::from_string(DbBackend::Sqlite, sql))
        .await
        .map(|_| ())
        .map_err(|err| format!("the copy failed: {err}"));
    let _ = db.close().await;
    result
}

/// SQLite's own check of the copy's structure.
async fn quick_check(copy: &Path) -> Result<(), String> {
    let url = format!("sqlite://{}?mode=ro", copy.display());
    let db = Database::connect(url)
        .await
        .map_err(|err| format!("cannot open the copy to check it: {err}"))?;
    let row = db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "PRAGMA quick_check".to_owned(),
        ))
        .await
        .map_err(|err| format!("cannot check the copy: {err}"))?;
    let _ = db.close().await;
    let verdict: String = row
        .and_then(|row| row.try_get_by_index(0).ok())
        .unwrap_or_default();
    if verdict == "ok" {
        Ok(())
    } else {
        Err(format!("the copy failed SQLite's quick_check: {verdict}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_of_a_sqlite_url() {
        assert_eq!(
            sqlite_file("sqlite://hearth.db?mode=rwc"),
            Ok(PathBuf::from("hearth.db"))
        );
        assert_eq!(
            sqlite_file("sqlite:///var/lib/hearth/h.db"),
            Ok(PathBuf::from("/var/lib/hearth/h.db"))
        );
        assert_eq!(sqlite_file("sqlite:h.db"), Ok(PathBuf::from("h.db")));
        assert!(sqlite_file("sqlite::memory:").is_err());
        assert!(sqlite_file("mysql://x").is_err());
        assert_eq!(
            partial_path(Path::new("/b/copy.db")),
            PathBuf::from("/b/copy.db.partial")
        );
    }
}
