//! Content hashes: a 64-bit fingerprint that every build of kpi computes alike, for naming what
//! produced an output (the effective ruleset, the data files) and for stable file-name suffixes.
//! It tells contents apart; it is not a defence against someone forging a collision.

/// A hash over bytes fed in any number of pieces: the same bytes give the same fingerprint
/// however they are split.
#[derive(Clone)]
pub struct Fingerprint {
    state: u64,
    /// Bytes not yet making a whole 8-byte word: the first `length % 8` of these.
    pending: [u8; 8],
    length: u64,
}

const SEED: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0100_0000_01b3;

impl Default for Fingerprint {
    fn default() -> Self {
        Fingerprint { state: SEED, pending: [0; 8], length: 0 }
    }
}

impl Fingerprint {
    pub fn update(&mut self, mut bytes: &[u8]) {
        let held = (self.length % 8) as usize;
        self.length += bytes.len() as u64;
        if held > 0 {
            let take = (8 - held).min(bytes.len());
            self.pending[held..held + take].copy_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if held + take < 8 {
                return;
            }
            self.mix(u64::from_le_bytes(self.pending));
        }
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            self.mix(u64::from_le_bytes(word.try_into().expect("8 bytes")));
        }
        let rest = words.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
    }

    /// FNV-1a over 8-byte words: eight times fewer multiplications than over bytes.
    fn mix(&mut self, word: u64) {
        self.state = (self.state ^ word).wrapping_mul(PRIME).rotate_left(29);
    }

    pub fn finish(&self) -> u64 {
        let mut tail = [0u8; 8];
        let held = (self.length % 8) as usize;
        tail[..held].copy_from_slice(&self.pending[..held]);
        let mut state = (self.state ^ u64::from_le_bytes(tail) ^ self.length).wrapping_mul(PRIME);
        // A final avalanche, so that the high bits depend on every byte.
        state ^= state >> 33;
        state = state.wrapping_mul(0xff51_afd7_ed55_8ccd);
        state ^ (state >> 33)
    }

    /// The fingerprint as 16 hexadecimal digits.
    pub fn hex(&self) -> String {
        format!("{:016x}", self.finish())
    }
}

/// The fingerprint of one piece of bytes.
pub fn of(bytes: &[u8]) -> u64 {
    let mut fingerprint = Fingerprint::default();
    fingerprint.update(bytes);
    fingerprint.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_bytes_in_any_pieces_give_the_same_fingerprint() {
        let text = b"2026-10-01,main,120,30,90,10090\n2026-10-31,main,80,20,60,10150\n";
        let mut pieces = Fingerprint::default();
        for piece in text.chunks(5) {
            pieces.update(piece);
        }
        assert_eq!(pieces.finish(), of(text));
        assert_ne!(of(b"a"), of(b"a\0"), "the length counts");
        assert_ne!(of(b"ab"), of(b"ba"));
    }

    /// Fingerprints name outputs across builds and releases: these values must never change.
    #[test]
    fn every_build_computes_the_same_fingerprint() {
        let text = b"2026-10-01,main,120,30,90,10090\n2026-10-31,main,80,20,60,10150\n";
        assert_eq!(of(text), 0xbed2_f8d0_b120_f878);
        assert_eq!(of("晨光咖啡".as_bytes()), 0x0721_f471_76b6_6062);
    }
}
