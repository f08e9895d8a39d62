use super::*;
use std::os::unix::fs::MetadataExt;

fn write(p: &Path, len: usize) {
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(p, vec![7u8; len]).unwrap();
}

#[test]
fn main_video_skips_samples_extras_and_non_video() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("The.Matrix.1999.1080p.BluRay.x264-GRP");
    write(&root.join("the.matrix.1999.1080p-sample.mkv"), 9000);
    write(&root.join("Sample/matrix.mkv"), 9000);
    write(&root.join("Featurettes/making of.mkv"), 9000);
    write(&root.join("movie.nfo"), 99_999);
    write(
        &root.join("the.matrix.1999.1080p.bluray.x264-grp.mkv"),
        5000,
    );
    write(&root.join("CD2/short.avi"), 10);
    let got = main_video(&root).unwrap();
    assert!(
        got.ends_with("the.matrix.1999.1080p.bluray.x264-grp.mkv"),
        "{got:?}"
    );

    let only_samples = d.path().join("x");
    write(&only_samples.join("sample.mkv"), 100);
    let err = main_video(&only_samples).unwrap_err();
    assert!(err.contains("no video file"), "{err}");
    // A single-file torrent is its own content.
    let single = d.path().join("Movie.2020.mkv");
    write(&single, 10);
    assert_eq!(main_video(&single).unwrap(), single);
    assert!(main_video(&d.path().join("missing")).is_err());
}

#[test]
fn names_render_with_tokens_and_unsafe_characters_removed() {
    let parts = NameParts {
        title: "Mission: Impossible".into(),
        year: 1996,
        quality_title: "Bluray-1080p".into(),
        quality_full: "Bluray-1080p Proper".into(),
        edition: None,
        release_group: Some("GRP".into()),
    };
    assert_eq!(
        render_name("{Movie Title} ({Release Year}) [{Quality Title}]", &parts),
        "Mission Impossible (1996) [Bluray-1080p]"
    );
    assert_eq!(
        render_name(
            "{Movie Title} {Edition Tags} [{Quality Full}]-{Release Group}",
            &parts
        ),
        "Mission Impossible [Bluray-1080p Proper]-GRP"
    );
    let no_year = NameParts { year: 0, ..parts };
    assert_eq!(
        render_name("{Movie Title} ({Release Year})", &no_year),
        "Mission Impossible"
    );
}

#[test]
fn place_hardlinks_and_leaves_the_source_alone() {
    let d = tempfile::tempdir().unwrap();
    let src = d.path().join("dl/movie.mkv");
    write(&src, 4096);
    let dst = d
        .path()
        .join("lib/Movie (2020)/Movie (2020) [Bluray-1080p].mkv");
    assert_eq!(place(&src, &dst, true).unwrap(), Placement::Hardlink);
    let (a, b) = (fs::metadata(&src).unwrap(), fs::metadata(&dst).unwrap());
    assert_eq!((a.ino(), a.dev()), (b.ino(), b.dev()));
    // Retrying is harmless.
    assert_eq!(place(&src, &dst, true).unwrap(), Placement::Existing);
    assert!(src.exists());
    assert!(!temp_beside(&dst).exists());
}

#[test]
fn place_copies_when_hardlinks_are_off_and_verifies_the_size() {
    let d = tempfile::tempdir().unwrap();
    let src = d.path().join("dl/movie.mkv");
    write(&src, 10_000);
    let dst = d.path().join("lib/m.mkv");
    assert_eq!(place(&src, &dst, false).unwrap(), Placement::Copy);
    assert_ne!(
        fs::metadata(&src).unwrap().ino(),
        fs::metadata(&dst).unwrap().ino()
    );
    assert_eq!(fs::read(&dst).unwrap().len(), 10_000);
    // An older file at the destination (an upgrade) is replaced whole.
    write(&src, 20_000);
    assert_eq!(place(&src, &dst, false).unwrap(), Placement::Copy);
    assert_eq!(fs::metadata(&dst).unwrap().len(), 20_000);
}

/// Across filesystems a hardlink fails with EXDEV; the copy path takes over. Uses /dev/shm
/// (tmpfs) when it is a different device than the temp dir.
#[test]
fn place_falls_back_to_copy_across_filesystems() {
    let shm = Path::new("/dev/shm");
    let d = tempfile::tempdir().unwrap();
    let Ok(other) = tempfile::tempdir_in(shm) else {
        eprintln!("SKIP: /dev/shm not writable; the hardlinks-off test covers the copy path");
        return;
    };
    if fs::metadata(d.path()).unwrap().dev() == fs::metadata(other.path()).unwrap().dev() {
        eprintln!("SKIP: /dev/shm is on the same filesystem as the temp dir");
        return;
    }
    let src = other.path().join("movie.mkv");
    write(&src, 3333);
    let dst = d.path().join("lib/movie.mkv");
    assert_eq!(place(&src, &dst, true).unwrap(), Placement::Copy);
    assert_eq!(fs::metadata(&dst).unwrap().len(), 3333);
    assert!(src.exists());
}

#[test]
fn remove_inside_refuses_paths_outside_the_folder() {
    let d = tempfile::tempdir().unwrap();
    let folder = d.path().join("movie");
    let inside = folder.join("a.mkv");
    let outside = d.path().join("keep.mkv");
    write(&inside, 1);
    write(&outside, 1);
    assert!(!remove_inside(&folder, &folder.join("../keep.mkv")).unwrap());
    assert!(outside.exists());
    assert!(remove_inside(&folder, &inside).unwrap());
    assert!(!inside.exists());
}
