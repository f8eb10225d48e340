//! `client-output-buffer-limit`: per client class, a hard limit and a soft
//! limit that may be exceeded for a number of seconds.

use super::units::parse_memory;

/// Limits of one client class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassLimit {
    /// Disconnect as soon as the output exceeds this many bytes (0 = none).
    pub hard: u64,
    /// Disconnect when above this for `soft_seconds` (0 = none).
    pub soft: u64,
    /// Seconds the soft limit may be exceeded.
    pub soft_seconds: u64,
}

/// Limits for the normal, replica and pubsub classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputLimits {
    /// Normal clients.
    pub normal: ClassLimit,
    /// Replicas (kept for Redis compatibility; Hearth has no replicas yet).
    pub replica: ClassLimit,
    /// Clients subscribed to channels or patterns.
    pub pubsub: ClassLimit,
}

impl Default for OutputLimits {
    fn default() -> Self {
        OutputLimits {
            normal: ClassLimit { hard: 0, soft: 0, soft_seconds: 0 },
            replica: ClassLimit { hard: 256 << 20, soft: 64 << 20, soft_seconds: 60 },
            pubsub: ClassLimit { hard: 32 << 20, soft: 8 << 20, soft_seconds: 60 },
        }
    }
}

impl std::fmt::Display for OutputLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let one = |l: &ClassLimit| format!("{} {} {}", l.hard, l.soft, l.soft_seconds);
        write!(f, "normal {} slave {} pubsub {}", one(&self.normal), one(&self.replica), one(&self.pubsub))
    }
}

impl OutputLimits {
    /// Applies `class hard soft seconds [class ...]`, all or nothing.
    pub fn apply(&mut self, v: &str) -> Result<(), String> {
        let words: Vec<&str> = v.split_whitespace().collect();
        if words.is_empty() || !words.len().is_multiple_of(4) {
            return Err("Wrong number of arguments in buffer limit configuration.".into());
        }
        let mut next = *self;
        for chunk in words.chunks(4) {
            let limit = ClassLimit {
                hard: parse_memory(chunk[1])
                    .ok_or("Error in hard, soft or soft_seconds setting in buffer limit configuration.")?,
                soft: parse_memory(chunk[2])
                    .ok_or("Error in hard, soft or soft_seconds setting in buffer limit configuration.")?,
                soft_seconds: chunk[3]
                    .parse()
                    .map_err(|_| "Error in hard, soft or soft_seconds setting in buffer limit configuration.")?,
            };
            match chunk[0].to_ascii_lowercase().as_str() {
                "normal" => next.normal = limit,
                "slave" | "replica" => next.replica = limit,
                "pubsub" => next.pubsub = limit,
                _ => return Err("Invalid client class specified in buffer limit configuration.".into()),
            }
        }
        *self = next;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apply_sets_named_classes_and_prints_like_redis() {
        let mut l = OutputLimits::default();
        l.apply("pubsub 1mb 512kb 10").expect("valid");
        assert_eq!(l.pubsub, ClassLimit { hard: 1 << 20, soft: 512 << 10, soft_seconds: 10 });
        assert_eq!(l.to_string(), "normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 524288 10");
    }

    #[test]
    fn apply_rejects_bad_input_without_partial_change() {
        let mut l = OutputLimits::default();
        assert!(l.apply("pubsub 1mb 1mb 10 bogus 1 1 1").is_err());
        assert_eq!(l, OutputLimits::default());
    }
}
