// The subcommands of `conlab`, one file each; main() in conlab.cpp picks one.
// Each takes the arguments after its name (argv[0] is the command's name),
// prints its own --help, and returns the exit status.
#pragma once

#include <string>

#include "narration/text.h"

namespace consensus_lab::tools {

int run_command(int argc, char** argv);
int check_command(int argc, char** argv);
int bench_command(int argc, char** argv);
int node_command(int argc, char** argv);
int client_command(int argc, char** argv);  // put and get
int cluster_command(int argc, char** argv);
int view_command(int argc, char** argv);     // the live view of a local cluster
int certs_command(int argc, char** argv);    // a CA and certificates for nodes started by hand
int view_command(int argc, char** argv);     // the live view of a local cluster
int jepsen_command(int argc, char** argv);   // a Jepsen-style test of a local cluster
int explore_command(int argc, char** argv);  // every state of a small case (docs/explore.md)

// "conlab: error: MESSAGE" on stderr; returns 2.
int usage_error(const std::string& message);
// The same in `lang`: "conlab: 错误：MESSAGE" in Chinese (for an error found
// before a CommandLine could read --lang).
int usage_error(const narration::Text& message, narration::Lang lang);

// The error of `conlab node --protocol` and `conlab cluster --protocol`.
inline const narration::Text kProtocolChoice{"--protocol must be raft or multipaxos",
                                             "--protocol 只能是 raft 或 multipaxos"};
// The error of `--nodes` out of range (conlab cluster, check, bench checker).
inline const narration::Text kNodesRange{"--nodes must be 1 to 9", "--nodes 必须是 1 到 9"};

}  // namespace consensus_lab::tools
