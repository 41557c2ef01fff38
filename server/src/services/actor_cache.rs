//! Recently checked sessions, kept for a few seconds: a page and the calls it
//! makes would otherwise read the session, the user and the assignment again for
//! every request. Signing out, switching assignment and changing the password
//! forget a session at once, and so do an administrator's changes to the user
//! (disabled, password reset, assignment removed) in this process; elsewhere
//! (another server process on the same PostgreSQL) they take effect within [`ActorCache::TTL`].

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use shared::contract::Actor;

/// Sessions kept before old entries are dropped at once.
const MOST_SESSIONS: usize = 50_000;

/// The actors of recently checked sessions, by session id.
#[derive(Debug, Clone, Default)]
pub struct ActorCache(Arc<Mutex<Entries>>);

#[derive(Debug, Default)]
struct Entries {
    by_session: HashMap<String, (Actor, Instant)>,
    /// Moves on at every forgetting: an actor read from the database before a
    /// forgetting may be stale and is not kept.
    generation: u64,
}

impl ActorCache {
    /// How long a checked session is trusted without reading it again.
    pub const TTL: Duration = Duration::from_secs(5);

    /// The actor of `session_id` if it was checked less than [`Self::TTL`] ago.
    pub fn get(&self, session_id: &str) -> Option<Actor> {
        let entries = self.0.lock().ok()?;
        entries
            .by_session
            .get(session_id)
            .filter(|(_, at)| at.elapsed() < Self::TTL)
            .map(|(actor, _)| actor.clone())
    }

    /// The current generation: take it before reading a session from the database.
    pub fn generation(&self) -> u64 {
        self.0.lock().map(|entries| entries.generation).unwrap_or(0)
    }

    /// Remembers that `session_id` belongs to `actor`, as read from the
    /// database after [`Self::generation`] answered `read_at`; nothing is kept
    /// if anything was forgotten since.
    pub fn put(&self, session_id: &str, actor: &Actor, read_at: u64) {
        if let Ok(mut entries) = self.0.lock() {
            if entries.generation != read_at {
                return;
            }
            if entries.by_session.len() >= MOST_SESSIONS {
                entries
                    .by_session
                    .retain(|_, (_, at)| at.elapsed() < Self::TTL);
            }
            entries
                .by_session
                .insert(session_id.to_string(), (actor.clone(), Instant::now()));
        }
    }

    /// Forgets one session.
    pub fn forget_session(&self, session_id: &str) {
        if let Ok(mut entries) = self.0.lock() {
            entries.generation += 1;
            entries.by_session.remove(session_id);
        }
    }

    /// Forgets every session of a user.
    pub fn forget_user(&self, user_id: i64) {
        if let Ok(mut entries) = self.0.lock() {
            entries.generation += 1;
            entries
                .by_session
                .retain(|_, (actor, _)| actor.user_id != user_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::roles::Role;

    fn actor(user_id: i64) -> Actor {
        Actor {
            user_id,
            username: format!("u{user_id}"),
            full_name: String::new(),
            role: Role::FrontOffice,
            area_code: None,
            area_name: String::new(),
            institution_id: None,
            assignment_id: 1,
            must_change_password: false,
        }
    }

    #[test]
    fn sessions_are_remembered_and_forgotten() {
        let cache = ActorCache::default();
        let now = cache.generation();
        cache.put("a", &actor(1), now);
        cache.put("b", &actor(1), now);
        cache.put("c", &actor(2), now);
        assert_eq!(cache.get("a").map(|a| a.user_id), Some(1));
        cache.forget_session("a");
        assert!(cache.get("a").is_none());
        cache.forget_user(1);
        assert!(cache.get("b").is_none());
        assert_eq!(cache.get("c").map(|a| a.user_id), Some(2));
    }

    #[test]
    fn an_actor_read_before_a_forgetting_is_not_kept() {
        let cache = ActorCache::default();
        let read_at = cache.generation();
        // An administrator disables the user while the session is being read.
        cache.forget_user(1);
        cache.put("a", &actor(1), read_at);
        assert!(cache.get("a").is_none());
        cache.put("a", &actor(1), cache.generation());
        assert!(cache.get("a").is_some());
    }
}
