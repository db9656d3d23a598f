// The names narration had before it was a library of its own, for the code
// that still says them (net/, tools/, demos/support/): sim::Lang, sim::Line, sim::paint …
// are narration::Lang, narration::Line, narration::paint …, and
// cluster::RaftDescriber … is narration::RaftDescriber …. New code says
// narration::. Once no file says the old names, this header goes.
#pragma once

#include "narration/describers.h"
#include "narration/line.h"

namespace consensus_lab::sim {
using narration::bold;
using narration::colour_wanted;
using narration::join_names;
using narration::Lang;
using narration::Line;
using narration::paint;
using narration::Tone;
}  // namespace consensus_lab::sim

namespace consensus_lab::cluster {
using narration::MultiPaxosDescriber;
using narration::PaxosDescriber;
using narration::RaftDescriber;
}  // namespace consensus_lab::cluster
