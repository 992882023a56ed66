//! Base64 (RFC 4648) in the two forms the package meets: the standard alphabet with
//! padding (Orchestrator's encoded folder-path header, webhook signatures) and the
//! URL-safe alphabet without padding (JWTs). Decoding is strict: only the text the
//! encoder would write is accepted (no stray padding, no unused bits set), as the
//! `base64` crate's `STANDARD` and `URL_SAFE_NO_PAD` engines decide, which the tests
//! hold it to.

const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Standard alphabet, padded with `=`.
pub fn encode(bytes: impl AsRef<[u8]>) -> String {
    encode_with(bytes.as_ref(), STANDARD, true)
}

/// URL-safe alphabet, unpadded (a JWT part).
pub fn encode_url(bytes: impl AsRef<[u8]>) -> String {
    encode_with(bytes.as_ref(), URL_SAFE, false)
}

/// Standard alphabet, padded; `None` for anything [`encode`] would not have written.
pub fn decode(text: &str) -> Option<Vec<u8>> {
    if text.len() % 4 != 0 {
        return None;
    }
    // At most two `=`; any other `=` is outside the alphabet below, so the amount of
    // padding must be the canonical one for the length.
    let body = text
        .strip_suffix("==")
        .or_else(|| text.strip_suffix('='))
        .unwrap_or(text);
    decode_with(body, STANDARD)
}

/// URL-safe alphabet, unpadded; `None` for anything [`encode_url`] would not have written.
pub fn decode_url(text: &str) -> Option<Vec<u8>> {
    decode_with(text, URL_SAFE)
}

fn encode_with(bytes: &[u8], alphabet: &[u8; 64], pad: bool) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let n = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(alphabet[(n >> (18 - 6 * i)) as usize & 63] as char);
            } else if pad {
                out.push('=');
            }
        }
    }
    out
}

fn decode_with(text: &str, alphabet: &[u8; 64]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    let (mut acc, mut bits) = (0u32, 0u32);
    for &c in text.as_bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            _ if c == alphabet[62] => 62,
            _ if c == alphabet[63] => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // Six bits left over: a length of 4n+1, which no encoder writes. Fewer: they must be
    // zero, else two texts would decode to the same bytes.
    (bits < 6 && acc == 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::base64::engine::general_purpose::{STANDARD as THEIR_STANDARD, URL_SAFE_NO_PAD};
    use ::base64::Engine;

    /// A fixed LCG, so a failure reproduces.
    fn lcg(seed: u64) -> impl FnMut() -> usize {
        let mut s = seed;
        move || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 33) as usize
        }
    }

    #[test]
    fn encodes_as_the_base64_crate_does() {
        let mut next = lcg(0xb64);
        for len in 0..200 {
            let bytes: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            assert_eq!(encode(&bytes), THEIR_STANDARD.encode(&bytes));
            assert_eq!(encode_url(&bytes), URL_SAFE_NO_PAD.encode(&bytes));
            assert_eq!(decode(&encode(&bytes)), Some(bytes.clone()));
            assert_eq!(decode_url(&encode_url(&bytes)), Some(bytes));
        }
    }

    #[test]
    fn decodes_exactly_what_the_base64_crate_decodes() {
        // Short texts over both alphabets and padding: every verdict and every value the
        // same as the crate's.
        const ALPHABET: &[u8] = b"AQgwBb09+/-_=.\n";
        let mut next = lcg(0x5eed);
        for _ in 0..100_000 {
            let len = next() % 10;
            let text: String = (0..len)
                .map(|_| ALPHABET[next() % ALPHABET.len()] as char)
                .collect();
            assert_eq!(decode(&text), THEIR_STANDARD.decode(&text).ok(), "{text:?}");
            assert_eq!(
                decode_url(&text),
                URL_SAFE_NO_PAD.decode(&text).ok(),
                "{text:?}"
            );
        }
        for text in [
            "", "AA==", "AB==", "AAA=", "AAB=", "A===", "====", "AAAA====", "QQ",
        ] {
            assert_eq!(decode(text), THEIR_STANDARD.decode(text).ok(), "{text}");
            assert_eq!(
                decode_url(text),
                URL_SAFE_NO_PAD.decode(text).ok(),
                "{text}"
            );
        }
    }
}
