//! Shared application state, handed to every handler.

use std::sync::Arc;

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::db::DynStore;
use crate::render::Renderer;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: DynStore,
    pub render: Arc<Renderer>,
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    pub fn new(config: Config, store: DynStore) -> Self {
        let render = Arc::new(Renderer::new(config.theme_dir.clone()));
        Self {
            config: Arc::new(config),
            store,
            render,
            clock: Arc::new(SystemClock),
        }
    }

    /// Replace the clock (tests set 签发 times deterministically).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }
}
