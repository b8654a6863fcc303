//! 策划指挥 (issue 26): 线索, 选题 with their coverages, 派题, 报题 and the
//! day's 报题单. Pure, like the workflow: the rules and the states, each
//! refusal with its reason. Built a step at a time; so far the assignment's
//! states (`assignment`) and who may pitch, plan, see and act (`rules`).

pub mod assignment;
pub mod rules;
