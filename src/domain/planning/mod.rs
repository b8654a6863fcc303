//! 策划指挥 (issue 26): 线索 (`tip`), 选题 with their coverages and 报题
//! (`plan`), 派题 (`assignment`), 值班 (`roster`), and who may do what
//! (`rules`). Pure, like the workflow: the rules and the states, each
//! refusal with its reason.

pub mod assignment;
pub mod notice;
pub mod plan;
pub mod roster;
pub mod rules;
pub mod tip;
