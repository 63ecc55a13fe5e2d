//! Reading the HTML report in tests: start tags with their attributes
//! (enough of HTML for our own output and for Chromium's serialised DOM),
//! element text, and a headless Chromium to render the page.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A start tag from the dumped DOM: name, attributes (entities decoded).
pub struct Tag {
    pub name: String,
    pub attrs: Vec<(String, String)>,
}

impl Tag {
    pub fn get(&self, k: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    }

    pub fn has_class(&self, c: &str) -> bool {
        self.get("class")
            .is_some_and(|v| v.split_whitespace().any(|x| x == c))
    }
}

pub fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// Start tags in document order. Enough of HTML for serialised DOMs and our
/// own output: comments and doctypes skipped, attribute values quoted or bare.
pub fn tags(html: &str) -> Vec<Tag> {
    let b = html.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(off) = html[i..].find('<') {
        i += off + 1;
        if html[i..].starts_with("!--") {
            i += html[i..].find("-->").map_or(html.len() - i, |e| e + 3);
            continue;
        }
        if i >= b.len() || !b[i].is_ascii_alphabetic() {
            continue;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' && b[i] != b'/' {
            i += 1;
        }
        let mut tag = Tag {
            name: html[start..i].to_ascii_lowercase(),
            attrs: Vec::new(),
        };
        loop {
            while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
                i += 1;
            }
            if i >= b.len() || b[i] == b'>' {
                break;
            }
            let k0 = i;
            while i < b.len() && !b" \t\n\r=>/".contains(&b[i]) {
                i += 1;
            }
            let key = html[k0..i].to_ascii_lowercase();
            let mut value = String::new();
            if i < b.len() && b[i] == b'=' {
                i += 1;
                if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                    let q = b[i] as char;
                    let end = html[i + 1..].find(q).map_or(html.len(), |e| i + 1 + e);
                    value = unescape(&html[i + 1..end]);
                    i = (end + 1).min(b.len());
                } else {
                    let v0 = i;
                    while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                        i += 1;
                    }
                    value = unescape(&html[v0..i]);
                }
            }
            tag.attrs.push((key, value));
        }
        out.push(tag);
    }
    out
}

pub fn chromium() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("chromium"))
            .find(|c| c.is_file())
    });
    on_path.or_else(|| {
        let p = PathBuf::from("/usr/bin/chromium");
        p.is_file().then_some(p)
    })
}

/// Chromium, or None after a skip note; panics when CI requires it.
pub fn require_chromium() -> Option<PathBuf> {
    let found = chromium();
    if found.is_none() {
        assert!(
            std::env::var("STANCE_REQUIRE_CHROMIUM").as_deref() != Ok("1"),
            "STANCE_REQUIRE_CHROMIUM=1 but no chromium on PATH or at /usr/bin/chromium"
        );
        eprintln!(
            "SKIPPING browser checks: chromium not installed \
             (apt-get install chromium, or set STANCE_REQUIRE_CHROMIUM=1 to fail instead)"
        );
    }
    found
}

/// Runs headless Chromium on a local file with a fresh profile and no
/// network features, killing it if it hangs; returns stdout.
pub fn run_chromium(bin: &Path, profile: &Path, extra: &[&str], page: &Path) -> String {
    run_chromium_url(bin, profile, extra, &format!("file://{}", page.display()))
}

/// [`run_chromium`] on a URL (a file with a fragment, say).
pub fn run_chromium_url(bin: &Path, profile: &Path, extra: &[&str], url: &str) -> String {
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chromium");
    // Drain stdout on a thread so a large DOM cannot fill the pipe while we poll.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).map(|_| s)
    });
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let out = reader.join().unwrap().expect("chromium stdout");
    assert!(status.success(), "chromium failed: {status}");
    out
}

/// The text of the first element after `from` whose start tag begins with
/// `open` (e.g. `<h2 class="headline"`), up to its first inner tag,
/// entities decoded; `None` when there is none.
pub fn text_of(html: &str, from: usize, open: &str) -> Option<String> {
    let at = from + html[from..].find(open)?;
    let start = at + html[at..].find('>')? + 1;
    let end = start + html[start..].find('<')?;
    Some(unescape(&html[start..end]))
}

/// Width and height from a PNG's header (the IHDR chunk comes first).
pub fn png_size(png: &[u8]) -> (u32, u32) {
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && &png[12..16] == b"IHDR",
        "not a PNG"
    );
    let be = |i: usize| u32::from_be_bytes(png[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}
