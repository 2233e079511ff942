// Process-wide setup shared by the commands.
#pragma once

namespace ecity::app {

// Raises the soft limit of open descriptors to the hard limit: a listener with ten thousand
// station connections (and the simulator that opens them) needs more than the usual 1024.
void raise_descriptor_limit();

}  // namespace ecity::app
