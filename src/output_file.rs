//! Files replaced atomically (`-o`, `--summary`): readers see the old file or the complete new
//! one, never a partial one, and a crash after a commit cannot bring the old one back.

use std::ffi::OsString;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// Records arrive a page at a time; a large buffer keeps the number of writes low.
const BUFFER_BYTES: usize = 256 * 1024;

/// An output file that replaces its target only when committed: the content goes to a temp
/// file with an unpredictable name, created exclusively (never through a symlink) in the
/// target's directory, so the final rename is atomic. Dropped uncommitted, the temp is removed.
pub struct AtomicFile {
    target: PathBuf,
    /// Opened up front, so the rename can be made durable and a bad directory fails early.
    #[cfg(unix)]
    dir: std::fs::File,
    file: Option<BufWriter<NamedTempFile>>,
}

impl AtomicFile {
    /// Creates the temp file now, so an unwritable destination fails before any AWS call.
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let name = target
            .file_name()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
        // The target's name in the temp's name tells what a leftover (after SIGKILL) was for.
        let mut prefix = OsString::from(".");
        prefix.push(name);
        prefix.push(".");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        #[cfg(unix)]
        let dir_handle = std::fs::File::open(dir)?;
        #[cfg(unix)]
        if !is_regular_file(target)? {
            use std::os::unix::fs::PermissionsExt;
            // A new file gets 0666 minus the umask (the kernel applies it), like `>` in a shell.
            // Replacing a file, the temp stays 0600 until commit copies the old file's mode.
            builder.permissions(std::fs::Permissions::from_mode(0o666));
        }
        let temp = builder.tempfile_in(dir)?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            #[cfg(unix)]
            dir: dir_handle,
            file: Some(BufWriter::with_capacity(BUFFER_BYTES, temp)),
        })
    }

    /// Flushes and syncs the temp file, gives it the old file's mode and group, renames it
    /// over the target (a symlink there is replaced, not followed) and syncs the directory.
    pub fn commit(mut self) -> io::Result<()> {
        let file = self
            .file
            .take()
            .ok_or_else(|| io::Error::other("output file already committed"))?;
        let temp = file.into_inner().map_err(|e| e.into_error())?;
        #[cfg(unix)]
        keep_mode_and_group(&self.target, temp.as_file())?;
        temp.as_file().sync_all()?;
        // On failure the temp file is dropped with the error, which removes it.
        temp.persist(&self.target).map_err(|e| e.error)?;
        #[cfg(unix)]
        sync_dir(&self.dir).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("file replaced, but syncing its directory failed: {e}"),
            )
        })?;
        Ok(())
    }

    #[cfg(test)]
    pub fn temp_path(&self) -> &Path {
        self.file
            .as_ref()
            .map(|f| f.get_ref().path())
            .expect("not committed")
    }
}

/// lstat: a symlink at the target is not a regular file, whatever it points to.
#[cfg(unix)]
fn is_regular_file(path: &Path) -> io::Result<bool> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) => Ok(meta.file_type().is_file()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
    }
}

/// Copies the permission bits and the group of a regular-file target onto the new file.
#[cfg(unix)]
fn keep_mode_and_group(target: &Path, file: &std::fs::File) -> io::Result<()> {
    use std::os::unix::fs::{fchown, MetadataExt, PermissionsExt};
    let old = match std::fs::symlink_metadata(target) {
        Ok(meta) if meta.file_type().is_file() => meta,
        // A new target, a symlink or anything else: the mode chosen at creation stays.
        Ok(_) => return Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    if file.metadata()?.gid() != old.gid() {
        match fchown(file, None, Some(old.gid())) {
            // Not allowed to give the file that group (not a member): it keeps ours.
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {}
            result => result?,
        }
    }
    // After the chown, which may clear set-id bits; those mean nothing on a data file anyway.
    file.set_permissions(std::fs::Permissions::from_mode(old.mode() & 0o777))
}

#[cfg(unix)]
fn sync_dir(dir: &std::fs::File) -> io::Result<()> {
    match dir.sync_all() {
        // Some file systems cannot sync a directory; there is nothing more to do on those.
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::InvalidInput | io::ErrorKind::Unsupported
            ) =>
        {
            Ok(())
        }
        result => result,
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match &mut self.file {
            Some(f) => f.write(buf),
            None => Err(io::Error::other("output file already committed")),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match &mut self.file {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            // Not committed: the run failed or was interrupted; the target stays untouched.
            // into_parts skips flushing into a file about to go; dropping the temp removes it.
            let (temp, _unwritten) = file.into_parts();
            drop(temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::fs;
    #[cfg(unix)]
    use std::fs::{OpenOptions, Permissions};
    #[cfg(unix)]
    use std::os::unix::fs::{symlink, MetadataExt, OpenOptionsExt, PermissionsExt};

    fn names(dir: &Path) -> BTreeSet<String> {
        fs::read_dir(dir)
            .expect("ls")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect()
    }

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[cfg(unix)]
    fn mode(path: &Path) -> u32 {
        fs::symlink_metadata(path).expect("lstat").mode() & 0o777
    }

    #[cfg(unix)]
    fn chmod(path: &Path, mode: u32) {
        fs::set_permissions(path, Permissions::from_mode(mode)).expect("chmod");
    }

    #[cfg(unix)]
    /// What 0666 becomes under this process's umask, read without changing the umask.
    fn umask_applied_to_0666() -> u32 {
        let dir = tempfile::tempdir().expect("tempdir");
        let probe = dir.path().join("probe");
        OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o666)
            .open(&probe)
            .expect("probe");
        mode(&probe)
    }

    fn write_atomically(target: &Path, content: &str) -> io::Result<()> {
        let mut file = AtomicFile::create(target)?;
        file.write_all(content.as_bytes())?;
        file.commit()
    }

    #[test]
    fn replaces_the_target_only_on_commit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out.csv");
        fs::write(&target, "old").expect("write");
        let mut file = AtomicFile::create(&target).expect("create");
        file.write_all(b"new").expect("write");
        file.flush().expect("flush");
        assert_eq!(fs::read_to_string(&target).expect("read"), "old");
        file.commit().expect("commit");
        assert_eq!(fs::read_to_string(&target).expect("read"), "new");
    }

    #[test]
    fn in_a_missing_directory_fails_early() {
        assert!(AtomicFile::create(Path::new("/nonexistent-dir/x/out.json")).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_0640_target_stays_0640() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out.csv");
        fs::write(&target, "old").expect("write");
        chmod(&target, 0o640);
        write_atomically(&target, "new").expect("commit");
        assert_eq!(mode(&target), 0o640);
    }

    #[cfg(unix)]
    #[test]
    fn a_0600_target_stays_0600() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out.csv");
        fs::write(&target, "old").expect("write");
        chmod(&target, 0o600);
        write_atomically(&target, "new").expect("commit");
        assert_eq!(mode(&target), 0o600);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_target_follows_the_umask() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out.csv");
        write_atomically(&target, "new").expect("commit");
        assert_eq!(mode(&target), umask_applied_to_0666());
    }

    #[cfg(unix)]
    #[test]
    fn the_temp_of_an_existing_target_is_private_until_commit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out.csv");
        fs::write(&target, "secret").expect("write");
        chmod(&target, 0o600);
        let file = AtomicFile::create(&target).expect("create");
        assert_eq!(mode(file.temp_path()), 0o600);
    }

    /// Needs the right to give a file another group (root here); elsewhere there is nothing to
    /// set up, so the test says so and checks nothing.
    #[cfg(unix)]
    #[test]
    fn a_target_keeps_its_group() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out.csv");
        fs::write(&target, "old").expect("write");
        let ours = fs::metadata(&target).expect("stat").gid();
        let other = ours + 4242;
        if let Err(e) = std::os::unix::fs::chown(&target, None, Some(other)) {
            eprintln!("skipped: cannot give a file another group here: {e}");
            return;
        }
        write_atomically(&target, "new").expect("commit");
        assert_eq!(fs::metadata(&target).expect("stat").gid(), other);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_at_the_target_is_replaced_and_its_file_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pointed = dir.path().join("elsewhere.csv");
        fs::write(&pointed, "precious").expect("write");
        let target = dir.path().join("out.csv");
        symlink(&pointed, &target).expect("symlink");
        write_atomically(&target, "new").expect("commit");
        assert!(fs::symlink_metadata(&target).expect("lstat").is_file());
        assert_eq!(fs::read_to_string(&target).expect("read"), "new");
        assert_eq!(fs::read_to_string(&pointed).expect("read"), "precious");
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_target_lends_no_mode() {
        let dir = tempfile::tempdir().expect("tempdir");
        let pointed = dir.path().join("elsewhere.csv");
        fs::write(&pointed, "precious").expect("write");
        // Execute bits: a mode that 0666 minus any umask can never produce.
        chmod(&pointed, 0o711);
        let target = dir.path().join("out.csv");
        symlink(&pointed, &target).expect("symlink");
        write_atomically(&target, "new").expect("commit");
        assert_eq!(mode(&target), umask_applied_to_0666());
        assert_eq!(mode(&pointed), 0o711);
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_at_other_names_are_never_written_through() {
        let dir = tempfile::tempdir().expect("tempdir");
        let victims = tempfile::tempdir().expect("tempdir");
        let pointed = victims.path().join("precious");
        fs::write(&pointed, "precious").expect("write");
        let dangling = victims.path().join("never-created");
        let pid = std::process::id();
        // The names the old code and its obvious variants would have opened.
        let planted = [
            format!(".out.csv.{pid}.tmp"),
            format!(".out.csv.{}.tmp", pid + 1),
            ".out.csv.tmp".to_string(),
            "out.csv.tmp".to_string(),
            format!("out.csv.{pid}"),
        ];
        for (i, name) in planted.iter().enumerate() {
            let to = if i % 2 == 0 { &pointed } else { &dangling };
            symlink(to, dir.path().join(name)).expect("symlink");
        }
        let target = dir.path().join("out.csv");
        write_atomically(&target, "new").expect("commit");
        assert_eq!(fs::read_to_string(&pointed).expect("read"), "precious");
        assert!(!dangling.exists(), "a dangling link was written through");
        assert_eq!(fs::read_to_string(&target).expect("read"), "new");
        for name in &planted {
            assert!(fs::symlink_metadata(dir.path().join(name))
                .expect("still there")
                .file_type()
                .is_symlink());
        }
    }

    #[test]
    fn no_temp_is_left_after_success() {
        let dir = tempfile::tempdir().expect("tempdir");
        write_atomically(&dir.path().join("out.csv"), "new").expect("commit");
        assert_eq!(names(dir.path()), set(&["out.csv"]));
    }

    #[test]
    fn no_temp_is_left_after_a_drop_without_commit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out.csv");
        fs::write(&target, "old").expect("write");
        {
            let mut file = AtomicFile::create(&target).expect("create");
            file.write_all(b"partial").expect("write");
            file.flush().expect("flush");
            assert!(file.temp_path().exists());
        }
        assert_eq!(names(dir.path()), set(&["out.csv"]));
        assert_eq!(fs::read_to_string(&target).expect("read"), "old");
    }

    #[test]
    fn no_temp_is_left_after_a_failed_commit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out.csv");
        fs::create_dir(&target).expect("mkdir");
        fs::write(target.join("inside"), "x").expect("write");
        let mut file = AtomicFile::create(&target).expect("create");
        file.write_all(b"new").expect("write");
        assert!(file.commit().is_err(), "a file cannot replace a directory");
        assert_eq!(names(dir.path()), set(&["out.csv"]));
    }

    #[test]
    fn the_temp_is_beside_the_target_under_an_unpredictable_name() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("out.csv");
        let first = AtomicFile::create(&target).expect("create");
        let second = AtomicFile::create(&target).expect("create");
        let parent = first.temp_path().parent().expect("parent");
        assert_eq!(
            parent.canonicalize().expect("canonical"),
            dir.path().canonicalize().expect("canonical")
        );
        let name = first
            .temp_path()
            .file_name()
            .expect("name")
            .to_string_lossy();
        assert!(
            name.starts_with(".out.csv.") && name.ends_with(".tmp"),
            "{name}"
        );
        assert!(
            !name.contains(&format!(".{}.", std::process::id())),
            "{name}"
        );
        assert_ne!(first.temp_path(), second.temp_path());
    }
}
