// The second half of carrying out a role's Effects in the simulator (DESIGN.md
// §8), once what they asked to persist is on the node's simulated disk: the
// events are noted (and shown to the cluster first), the messages leave, the
// node's timer is set. Durable before visible: never call it before writing.
#pragma once

#include <utility>

#include "common/effects.h"

namespace consensus_lab::cluster {

template <class Context, class Message, class Persist, class Event, class Observe>
void make_visible(Context& context, RoleEffects<Message, Persist, Event>& effects,
                  Observe observe) {
  for (auto& event : effects.events) {
    observe(event);
    context.note(std::move(event));
  }
  for (auto& outgoing : effects.send) context.send(outgoing.to, std::move(outgoing.message));
  if (effects.wake_at) context.wake_at(*effects.wake_at);
}

}  // namespace consensus_lab::cluster
