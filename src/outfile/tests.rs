use super::*;

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn a_committed_file_replaces_the_old_one_and_leaves_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.jsonl");
    std::fs::write(&path, "old").unwrap();
    let mut f = AtomicFile::create(&path).unwrap();
    f.write_all(b"new").unwrap();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        b"old",
        "not before the commit"
    );
    f.commit().unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"new");
    assert_eq!(names(dir.path()), ["out.jsonl"]);
}

#[test]
fn a_dropped_file_leaves_the_old_one_and_no_temporary() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.jsonl");
    std::fs::write(&path, "old").unwrap();
    let mut f = AtomicFile::create(&path).unwrap();
    f.write_all(&[b'x'; 1 << 20]).unwrap();
    drop(f);
    assert_eq!(std::fs::read(&path).unwrap(), b"old");
    assert_eq!(names(dir.path()), ["out.jsonl"]);
}

#[cfg(unix)]
#[test]
fn a_symlink_stays_a_link_to_the_new_content() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.csv");
    let link = dir.path().join("link.csv");
    std::fs::write(&real, "old").unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let mut f = AtomicFile::create(&link).unwrap();
    f.write_all(b"new").unwrap();
    f.commit().unwrap();
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(std::fs::read(&real).unwrap(), b"new");
}

#[cfg(unix)]
#[test]
fn a_device_is_written_in_place() {
    let mut f = AtomicFile::create(Path::new("/dev/null")).unwrap();
    f.write_all(b"gone").unwrap();
    f.commit().unwrap();
    assert!(
        !std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_file()
    );
}

#[test]
fn outputs_equal_to_inputs_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("x.jsonl");
    std::fs::write(&input, "{}").unwrap();
    let other = dir.path().join("y.jsonl");
    let err = refuse_overwrite(&[&input], &[&input])
        .unwrap_err()
        .to_string();
    assert!(err.contains("is the input"), "{err}");
    // The same file by another spelling.
    let dotted = dir.path().join(".").join("x.jsonl");
    assert!(refuse_overwrite(&[&input], &[&dotted]).is_err());
    // Two outputs on one path.
    let err = refuse_overwrite(&[&input], &[&other, &other])
        .unwrap_err()
        .to_string();
    assert!(err.contains("twice"), "{err}");
    // Stdout, a new file, and a device are fine.
    refuse_overwrite(&[&input], &[Path::new("-"), &other]).unwrap();
    refuse_overwrite(&[Path::new("/dev/null")], &[Path::new("/dev/null")]).unwrap();
}

#[cfg(unix)]
#[test]
fn links_to_an_input_are_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("x.jsonl");
    std::fs::write(&input, "{}").unwrap();
    let hard = dir.path().join("hard.jsonl");
    let soft = dir.path().join("soft.jsonl");
    std::fs::hard_link(&input, &hard).unwrap();
    std::os::unix::fs::symlink(&input, &soft).unwrap();
    assert!(refuse_overwrite(&[&input], &[&hard]).is_err());
    assert!(refuse_overwrite(&[&soft], &[&input]).is_err());
}

#[test]
fn an_existing_file_in_an_input_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("a.txt");
    std::fs::write(&inner, "page").unwrap();
    let err = refuse_overwrite(&[dir.path()], &[&inner])
        .unwrap_err()
        .to_string();
    assert!(err.contains("input folder"), "{err}");
}

#[test]
fn a_companion_is_replaced_with_its_main_file() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("m.model");
    let meta = dir.path().join("m.meta.json");
    std::fs::write(&main, "old model").unwrap();
    std::fs::write(&meta, "old meta").unwrap();
    let mut a = AtomicFile::create(&main).unwrap();
    a.write_all(b"new model").unwrap();
    let mut b = AtomicFile::create(&meta).unwrap();
    b.write_all(b"new meta").unwrap();
    commit_with_companion(a, b).unwrap();
    assert_eq!(std::fs::read(&main).unwrap(), b"new model");
    assert_eq!(std::fs::read(&meta).unwrap(), b"new meta");
    assert_eq!(names(dir.path()), ["m.meta.json", "m.model"]);
}

#[test]
fn a_failed_main_rename_puts_the_old_companion_back() {
    let dir = tempfile::tempdir().unwrap();
    let main = dir.path().join("m.model");
    let meta = dir.path().join("m.meta.json");
    std::fs::write(&main, "old model").unwrap();
    std::fs::write(&meta, "old meta").unwrap();
    let a = AtomicFile::create(&main).unwrap();
    let b = AtomicFile::create(&meta).unwrap();
    // The main path turns into a non-empty folder: its rename fails.
    std::fs::remove_file(&main).unwrap();
    std::fs::create_dir(&main).unwrap();
    std::fs::write(main.join("x"), "").unwrap();
    assert!(commit_with_companion(a, b).is_err());
    assert_eq!(std::fs::read(&meta).unwrap(), b"old meta");
    assert_eq!(names(dir.path()), ["m.meta.json", "m.model"]);
}
