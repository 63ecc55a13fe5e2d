//! The page's only script: sorting the overview tables by a click on a
//! column header (or Enter / Space on a focused one). Everything else works
//! without it; the view toggle and the collapsed articles are plain HTML
//! and CSS.
//!
//! The Content-Security-Policy allows exactly this script by its SHA-256,
//! not inline script in general, so text that slipped through escaping
//! still could not run.
//!
//! A fragment `#sort=TABLE-ID:COLUMN:asc|desc` sorts on load, so a sorted
//! view can be linked to (and a browser test can check the sorting).

use sha2::{Digest, Sha256};

/// Cells sort by `data-sort` (numbers; empty = no value, always last),
/// else by their text.
pub(super) const SCRIPT: &str = r#"(function(){
document.documentElement.classList.add('js');
function key(c){var v=c.getAttribute('data-sort');if(v===null)return c.textContent.trim().toLowerCase();return v===''?null:parseFloat(v);}
function sort(t,i,asc){var hs=t.tHead.rows[0].cells,b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows);
for(var j=0;j<hs.length;j++)hs[j].removeAttribute('aria-sort');
hs[i].setAttribute('aria-sort',asc?'ascending':'descending');
rows.sort(function(x,y){var p=key(x.cells[i]),q=key(y.cells[i]);if(p===null)return q===null?0:1;if(q===null)return -1;var c=p<q?-1:p>q?1:0;return asc?c:-c;});
rows.forEach(function(r){b.appendChild(r);});}
Array.prototype.forEach.call(document.querySelectorAll('table.sortable'),function(t){
Array.prototype.forEach.call(t.tHead.rows[0].cells,function(h,i){if(!h.hasAttribute('data-sort'))return;h.tabIndex=0;
function go(){sort(t,i,h.getAttribute('aria-sort')!=='ascending');}
h.addEventListener('click',go);h.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();go();}});});});
var m=/^#sort=([\w-]+):(\d+):(asc|desc)$/.exec(location.hash),t=m&&document.getElementById(m[1]);
if(t&&t.tHead&&t.tHead.rows[0].cells[+m[2]])sort(t,+m[2],m[3]==='asc');
})();"#;

/// The policy: nothing fetched, inline style, and this script only.
pub(super) fn csp() -> String {
    let hash = base64(&Sha256::digest(SCRIPT.as_bytes()));
    format!("default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{hash}'")
}

/// Standard base64 with padding (RFC 4648), all a CSP hash needs.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(ABC[(n >> shift) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_by_the_rfc_vectors() {
        for (raw, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(raw.as_bytes()), enc);
        }
    }

    #[test]
    fn the_policy_names_the_script_by_hash_and_nothing_else() {
        let p = csp();
        assert!(p.contains("script-src 'sha256-"));
        assert!(!p.contains("script-src 'unsafe"));
        // The script cannot end its own element early.
        assert!(!SCRIPT.contains("</"));
    }
}
