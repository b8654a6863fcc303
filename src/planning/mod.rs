//! 策划指挥 beyond the pure rules (`domain::planning`): the 报题单 rows as
//! every screen shows them (`view`), the 指挥调度 board (`board`) and its
//! fan-out to every open board (`hub`). Reads only `render::Env`, like the
//! live hub.

pub mod board;
pub mod hub;
pub mod view;
