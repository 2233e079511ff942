// The case lifecycle as a pure function: which actions a user may take on a case, and
// where each leads. No I/O; the service feeds it facts and applies the result.
//
//   registered ──dispatch──▶ dispatched ──sign──▶ handling ──reply──▶ replied ──approve──▶ callback
//       │  ▲                     │                 │  ▲ ▲                │                   │
//       │  └──approve_return── return_requested ◀──┘  │ └────send_back───┘                   │
//       │                          └──reject_return───┘ ◀── callback: unsolved/dissatisfied ──┤ (重办)
//       ├──answer──▶ closed ◀──────────── callback: reached, solved, satisfied ──────────────┘
//       └──merge───▶ merged            closed ──archive──▶ archived
//
// Extensions (request/approve/reject) and second-level dispatch keep the case in handling;
// supervise and remind are allowed on every open case and change nothing but the timeline.
#pragma once

#include "appeals/model.h"

#include <optional>
#include <vector>

namespace ecity::appeals {

// What the acting user is to this case (computed by the service from permissions and units).
struct Role {
  bool intake = false;     // appeals:intake (hotline agent)
  bool dispatch = false;   // appeals:dispatch (centre dispatcher/reviewer)
  bool unit = false;       // appeals:handle and a member of the case's lead (or second-level) unit
  bool unit_lead = false;  // member of the lead unit itself (not only the second-level one)
  bool callback = false;   // appeals:callback
  bool supervise = false;  // appeals:supervise
};

// What the workflow needs to know about the case.
struct Facts {
  State state = State::kRegistered;
  bool extension_pending = false;
  bool lead_is_region = false;  // dispatched to a town (second-level dispatch possible)
  bool has_subunit = false;
};

// The outcome of a callback, which decides where the case goes.
struct CallbackOutcome {
  bool reached = false;
  bool solved = false;
  std::optional<Satisfaction> satisfaction;  // required when reached
  bool final_round = false;                  // the case was reopened as often as allowed: no further 重办
};

// The actions `role` may take now, in Action order.
std::vector<Action> allowed_actions(const Facts& facts, const Role& role);

// The state after `action`. REQUIRES: action is allowed. For kCallback, `outcome` decides:
// not reached → stays in callback; reached, solved and not dissatisfied → closed; else
// reopened (handling), unless final_round, when it closes with the outcome recorded.
State next_state(State from, Action action, const std::optional<CallbackOutcome>& outcome = std::nullopt);

// True if the callback reopens the case (重办): reached, unsolved or dissatisfied, not final.
bool reopens(const CallbackOutcome& outcome);

}  // namespace ecity::appeals
