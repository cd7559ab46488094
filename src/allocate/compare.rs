//! Rule 12 (docs/rules.md): the change since the previous window. Rules 6–8 are applied to
//! the window of the same kind just before, with the same data and
//! settings (scope `period` only), and each reported agreement's suppliers
//! are set beside their previous figures.

use super::{allocate, AgreementShares, Allocation, Counted, Rules, Scope, Status};
use crate::register::Register;
use crate::window::Window;

/// How an agreement's status moved between the windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// In imbalance now, not before.
    NewImbalance,
    /// In imbalance before, in balance now.
    Resolved,
    /// In imbalance before; now too few call-offs to judge (not resolved).
    NowInsufficient,
    /// In imbalance both times.
    Persists,
    /// Neither in imbalance.
    Unchanged,
}

/// The previous window's shares of every agreement reported now.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub previous: Window,
    /// Aligned with the period entries of the current allocation, in its
    /// order: the previous shares, `None` when the agreement's validity
    /// does not overlap the previous window.
    pub shares: Vec<Option<AgreementShares>>,
}

impl Comparison {
    /// The previous shares of an agreement (index into the register).
    pub fn of(&self, agreement: usize) -> Option<&AgreementShares> {
        self.shares.iter().flatten().find(|s| s.agreement == agreement)
    }

    /// How many agreements of `now` became imbalanced and how many were
    /// resolved since the previous window.
    pub fn counts(&self, now: &Allocation) -> (usize, usize) {
        now.period().fold((0, 0), |(new, resolved), a| match self.change(a) {
            Change::NewImbalance => (new + 1, resolved),
            Change::Resolved => (new, resolved + 1),
            _ => (new, resolved),
        })
    }

    /// How many agreements of `now` were in imbalance before and have too
    /// few call-offs to judge now.
    pub fn now_insufficient(&self, now: &Allocation) -> usize {
        now.period()
            .filter(|a| self.change(a) == Change::NowInsufficient)
            .count()
    }

    /// The change of an agreement's status from the previous window to now:
    /// resolved only from imbalance to ok.
    pub fn change(&self, now: &AgreementShares) -> Change {
        let before = self.of(now.agreement).map(|p| p.status) == Some(Status::Imbalance);
        match (before, now.status) {
            (false, Status::Imbalance) => Change::NewImbalance,
            (false, _) => Change::Unchanged,
            (true, Status::Imbalance) => Change::Persists,
            (true, Status::Ok) => Change::Resolved,
            (true, Status::Insufficient) => Change::NowInsufficient,
        }
    }
}

/// Rule 12 for the current allocation; `None` when there is no previous
/// window (a year before year 1).
pub fn compare(counted: &Counted, register: &Register, current: &Allocation, rules: Rules) -> Option<Comparison> {
    let previous = current.window.previous()?;
    let before = allocate(counted, register, &previous, rules);
    let shares = current
        .shares
        .iter()
        .filter(|s| s.scope == Scope::Period)
        .map(|now| {
            before
                .shares
                .iter()
                .find(|p| p.scope == Scope::Period && p.agreement == now.agreement)
                .cloned()
        })
        .collect();
    Some(Comparison { previous, shares })
}
