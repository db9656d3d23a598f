// Real mode on the command line (docs/real-cluster.md):
//   conlab node            one node of a cluster, in the foreground
//   conlab put / get       a client request
//   conlab cluster start   a local cluster in the background, on free ports
//   conlab cluster stop
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "net/asio.h"
#include "net/client.h"
#include "net/node.h"
#include "tools/commands.h"

namespace po = boost::program_options;

namespace consensus_lab::tools {

namespace {

bool parse_options(int argc, char** argv, const po::options_description& described,
                   const po::positional_options_description& positional, po::variables_map& values,
                   const std::string& command, int& status) {
  try {
    po::store(po::command_line_parser(argc, argv).options(described).positional(positional).run(),
              values);
    po::notify(values);
  } catch (const po::error& error) {
    status = usage_error(std::string(error.what()) + " (see conlab " + command + " --help)");
    return false;
  }
  return true;
}

std::optional<std::pair<Millis, Millis>> parse_range(const std::string& text) {
  const auto dots = text.find("..");
  try {
    if (dots == std::string::npos) return std::nullopt;
    const long low = std::stol(text.substr(0, dots));
    const long high = std::stol(text.substr(dots + 2));
    if (low < 1 || high < low) return std::nullopt;
    return std::pair<Millis, Millis>{low, high};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

// A free loopback port: bind port 0, read it, let it go.
unsigned short free_port() {
  net::asio::io_context io;
  net::tcp::acceptor acceptor(io, net::tcp::endpoint(net::asio::ip::address_v4::loopback(), 0));
  return acceptor.local_endpoint().port();
}

}  // namespace

int node_command(int argc, char** argv) {
  net::NodeOptions options;
  std::string listen, lang = "en", timeout = "150..300", data_dir;
  std::vector<std::string> peers;
  po::options_description described("Options");
  // clang-format off
  described.add_options()
      ("help,h", "print this help")
      ("protocol", po::value<std::string>(&options.protocol)->value_name("raft|multipaxos"),
                   "the protocol the cluster runs")
      ("id", po::value<std::string>(&options.id)->value_name("ID"), "this node's id (A, B, …)")
      ("listen", po::value<std::string>(&listen)->value_name("HOST:PORT"),
                 "where to listen (127.0.0.1 unless told otherwise)")
      ("peer", po::value<std::vector<std::string>>(&peers)->value_name("ID=HOST:PORT"),
               "another node of the cluster (repeat for each)")
      ("data-dir", po::value<std::string>(&data_dir)->value_name("DIR"),
                   "where the durable state lives (created if missing)")
      ("in-memory", "keep no durable state (a crash forgets everything)")
      ("lang", po::value<std::string>(&lang)->value_name("en|zh")->default_value("en"),
               "narrate in English or in the notes' Chinese")
      ("quiet", "log only role changes, rejections, start and stop")
      ("election-timeout", po::value<std::string>(&timeout)->value_name("MIN..MAX")
                              ->default_value("150..300"), "randomized election timeout, ms")
      ("heartbeat", po::value<Millis>(&options.heartbeat)->value_name("MS")->default_value(50),
                    "the leader's heartbeat interval, ms")
      ("config", po::value<std::string>()->value_name("FILE"),
                 "read options from FILE, one NAME=VALUE a line (id=A, peer=B=127.0.0.1:7002, "
                 "…); options given here win");
  // clang-format on
  po::variables_map values;
  int status = 0;
  if (!parse_options(argc, argv, described, {}, values, "node", status)) return status;
  if (values.count("config")) {
    const std::string path = values["config"].as<std::string>();
    std::ifstream file(path);
    if (!file) return usage_error("cannot read the config file " + path);
    try {
      po::store(po::parse_config_file(file, described), values);
      po::notify(values);
    } catch (const po::error& error) {
      return usage_error(path + ": " + error.what());
    }
  }
  if (values.count("help")) {
    std::cout << "Usage: conlab node --protocol raft|multipaxos --id A --listen 127.0.0.1:7001\n"
                 "                   --peer B=127.0.0.1:7002 --peer C=127.0.0.1:7003\n"
                 "                   (--data-dir DIR | --in-memory) [options]\n"
                 "       conlab node --config A.conf [options]\n\n"
                 "Runs one node in the foreground, narrating what it does, until Ctrl-C.\n\n"
              << described << "\nExample: docs/real-cluster.md\n";
    return 0;
  }
  if (options.protocol != "raft" && options.protocol != "multipaxos") {
    return usage_error("--protocol must be raft or multipaxos");
  }
  if (!net::is_node_id(options.id)) return usage_error("--id must be a node id (A, B, node1…)");
  const auto where = net::parse_endpoint(listen);
  if (!where) return usage_error("--listen takes HOST:PORT, e.g. 127.0.0.1:7001");
  options.listen = *where;
  for (const std::string& peer : peers) {
    const auto equals = peer.find('=');
    const auto endpoint =
        equals == std::string::npos ? std::nullopt : net::parse_endpoint(peer.substr(equals + 1));
    const std::string id = peer.substr(0, equals);
    if (!endpoint || !net::is_node_id(id)) {
      return usage_error("--peer takes ID=HOST:PORT, not '" + peer + "'");
    }
    if (id == options.id || options.peers.count(id) != 0) {
      return usage_error("--peer " + id + " is given twice (or is this node)");
    }
    options.peers[id] = *endpoint;
  }
  if (values.count("in-memory") == values.count("data-dir")) {
    return usage_error("give --data-dir DIR, or --in-memory for no durable state");
  }
  if (!data_dir.empty()) options.data_dir = data_dir;
  const auto range = parse_range(timeout);
  if (!range) return usage_error("--election-timeout takes MIN..MAX in ms, e.g. 150..300");
  options.election_timeout_min = range->first;
  options.election_timeout_max = range->second;
  if (options.heartbeat < 1) return usage_error("--heartbeat must be at least 1 ms");
  if (lang != "en" && lang != "zh") return usage_error("--lang must be en or zh");
  options.lang = lang == "zh" ? sim::Lang::zh : sim::Lang::en;
  options.quiet = values.count("quiet") != 0;
  options.colour = sim::colour_wanted(stderr);
  return net::run_node(options, std::cerr);
}

int client_command(int argc, char** argv) {
  const std::string verb = argv[0];
  std::string key, value, cluster_text;
  Millis deadline = 10'000;
  po::options_description described("Options");
  // clang-format off
  described.add_options()
      ("help,h", "print this help")
      ("cluster", po::value<std::string>(&cluster_text)->value_name("A=HOST:PORT,…"),
                  "the cluster's nodes")
      ("timeout", po::value<Millis>(&deadline)->value_name("MS")->default_value(10'000),
                  "give up after this long");
  // clang-format on
  po::options_description hidden;
  hidden.add_options()("key", po::value<std::string>(&key))("value",
                                                            po::value<std::string>(&value));
  po::options_description all;
  all.add(described).add(hidden);
  po::positional_options_description positional;
  positional.add("key", 1);
  if (verb == "put") positional.add("value", 1);
  po::variables_map values;
  int status = 0;
  if (!parse_options(argc, argv, all, positional, values, verb, status)) return status;
  if (values.count("help")) {
    std::cout << (verb == "put" ? "Usage: conlab put KEY VALUE --cluster A=HOST:PORT,…\n\n"
                                  "Writes KEY=VALUE through the leader; prints ok once it is "
                                  "committed and applied.\n"
                                : "Usage: conlab get KEY --cluster A=HOST:PORT,…\n\n"
                                  "Reads KEY through the leader (linearizable); prints the "
                                  "value, or (none).\n")
              << "It follows redirects to the leader and retries on failure"
              << (verb == "put" ? "; a retried put is\napplied once.\n\n" : ".\n\n") << described;
    return 0;
  }
  if (key.empty()) return usage_error("conlab " + verb + " needs a KEY");
  if (verb == "put" && values.count("value") == 0) return usage_error("conlab put needs a VALUE");
  const auto cluster = net::parse_cluster(cluster_text);
  if (!cluster) return usage_error("--cluster takes A=HOST:PORT,B=HOST:PORT,…");
  net::Client client({*cluster, {}, deadline, 1'000});
  const auto result = verb == "put" ? client.put(key, value) : client.get(key);
  if (!result.done) {
    std::cerr << "conlab " << verb << ": error: " << result.error << '\n';
    return 1;
  }
  const std::string served = " (leader " + result.served_by + ", " +
                             std::to_string(result.attempts) +
                             (result.attempts == 1 ? " attempt)" : " attempts)");
  if (verb == "put") {
    std::cout << "ok" << served << '\n';
  } else if (result.reply.kind == net::Reply::Kind::value) {
    std::cout << result.reply.text << '\n';
  } else {
    std::cout << "(none)" << '\n';
  }
  return 0;
}

int cluster_command(int argc, char** argv) {
  const std::string action = argc > 1 ? argv[1] : "";
  std::string protocol = "raft", dir;
  std::size_t nodes = 3;
  po::options_description described("Options");
  // clang-format off
  described.add_options()
      ("help,h", "print this help")
      ("protocol", po::value<std::string>(&protocol)->value_name("raft|multipaxos")
                       ->default_value("raft"), "the protocol")
      ("nodes", po::value<std::size_t>(&nodes)->value_name("N")->default_value(3),
                "how many nodes (A, B, C, …)")
      ("dir", po::value<std::string>(&dir)->value_name("DIR"),
              "where data directories, logs and cluster.txt go (default cluster-PROTOCOL)")
      ("in-memory", "nodes keep no durable state")
      ("quiet", "nodes log only role changes, rejections, start and stop (for benchmarks)");
  // clang-format on
  po::variables_map values;
  int status = 0;
  if (action == "--help" || action == "-h" ||
      (!parse_options(argc - 1, argv + 1, described, {}, values, "cluster", status))) {
    if (status != 0) return status;
    std::cout
        << "Usage: conlab cluster start [options]\n"
           "       conlab cluster stop [--dir DIR]\n\n"
           "start: runs a local cluster in the background on free 127.0.0.1 ports, one\n"
           "process per node (logs in DIR/ID.log), and prints how to use it, stop it,\n"
           "kill a node and restart it. stop: stops the node processes listed in DIR/pids.\n\n"
        << described;
    return 0;
  }
  if (values.count("help")) {
    std::cout << "Usage: conlab cluster start|stop [options]\n\n" << described;
    return 0;
  }
  if (protocol != "raft" && protocol != "multipaxos") {
    return usage_error("--protocol must be raft or multipaxos");
  }
  if (dir.empty()) dir = "cluster-" + protocol;
  const std::filesystem::path folder = std::filesystem::absolute(dir);
  const auto pid_file = folder / "pids";
  if (action == "stop") {
    std::ifstream pids(pid_file);
    if (!pids) return usage_error("no cluster in " + folder.string() + " (no pids file)");
    int stopped = 0;
    // The cluster's addresses, to tell its nodes from other processes: the
    // pid of a node that was killed may belong to another process by now.
    std::vector<std::string> listens;
    std::ifstream cluster_file(folder / "cluster.txt");
    std::string cluster_text;
    std::getline(cluster_file, cluster_text);
    if (const auto members = net::parse_cluster(cluster_text)) {
      for (const auto& [id, endpoint] : *members)
        listens.push_back(" --listen " + endpoint.text() + " ");
    }
    for (long pid; pids >> pid;) {
      std::ifstream cmdline("/proc/" + std::to_string(pid) + "/cmdline");
      std::string args((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
      std::replace(args.begin(), args.end(), '\0', ' ');
      const bool ours = args.find(" node ") != std::string::npos &&
                        std::any_of(listens.begin(), listens.end(), [&](const std::string& l) {
                          return args.find(l) != std::string::npos;
                        });
      if (ours) stopped += kill(static_cast<pid_t>(pid), SIGTERM) == 0;
    }
    std::filesystem::remove(pid_file);
    std::cout << "stopped " << stopped << " node" << (stopped == 1 ? "" : "s") << '\n';
    return 0;
  }
  if (action != "start") return usage_error("conlab cluster takes start or stop");
  if (nodes < 1 || nodes > 9) return usage_error("--nodes must be 1 to 9");
  if (std::filesystem::exists(pid_file)) {
    return usage_error("a cluster seems to run from " + folder.string() +
                       " already (conlab cluster stop --dir " + dir + ")");
  }
  std::filesystem::create_directories(folder);
  std::vector<std::string> ids;
  std::vector<unsigned short> ports;
  for (std::size_t i = 0; i < nodes; ++i) {
    ids.push_back(std::string(1, static_cast<char>('A' + i)));
    ports.push_back(free_port());
  }
  std::string cluster;
  for (std::size_t i = 0; i < nodes; ++i) {
    cluster += (i ? "," : "") + ids[i] + "=127.0.0.1:" + std::to_string(ports[i]);
  }
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::vector<std::string> commands;
  std::ofstream pids(pid_file);
  for (std::size_t i = 0; i < nodes; ++i) {
    std::vector<std::string> args{
        self,   "node", "--protocol", protocol,
        "--id", ids[i], "--listen",   "127.0.0.1:" + std::to_string(ports[i])};
    for (std::size_t j = 0; j < nodes; ++j) {
      if (j != i) {
        args.push_back("--peer");
        args.push_back(ids[j] + "=127.0.0.1:" + std::to_string(ports[j]));
      }
    }
    if (values.count("quiet")) args.push_back("--quiet");
    if (values.count("in-memory")) {
      args.push_back("--in-memory");
    } else {
      args.push_back("--data-dir");
      args.push_back((folder / ids[i]).string());
    }
    std::string command;
    for (const auto& a : args) command += (command.empty() ? "" : " ") + a;
    commands.push_back(command);
    const auto log = (folder / (ids[i] + ".log")).string();
    // To restart this node by hand after a kill: sh DIR/restart-ID.sh
    const auto script = folder / ("restart-" + ids[i] + ".sh");
    std::ofstream(script) << "#!/bin/sh\n# Restart node " << ids[i]
                          << (values.count("in-memory") ? " (in memory: it starts empty).\n"
                                                        : " (it reads its data directory).\n")
                          << "echo $$ >> '" << pid_file.string() << "'\n"
                          << "exec " << command << " >> '" << log << "' 2>&1\n";
    const pid_t pid = fork();
    if (pid == 0) {
      setsid();
      std::FILE* out = std::fopen(log.c_str(), "a");
      if (out != nullptr) {
        dup2(fileno(out), STDOUT_FILENO);
        dup2(fileno(out), STDERR_FILENO);
      }
      std::vector<char*> raw;
      for (auto& a : args) raw.push_back(a.data());
      raw.push_back(nullptr);
      execv(self.c_str(), raw.data());
      _exit(127);
    }
    if (pid < 0) return usage_error("cannot start a node process");
    pids << pid << '\n';
    std::cout << ids[i] << ": pid " << pid << ", 127.0.0.1:" << ports[i] << ", log " << log << '\n';
  }
  pids.close();
  std::ofstream(folder / "cluster.txt") << cluster << '\n';
  std::cout << "\nA " << protocol << " cluster of " << nodes << " is starting.\n\n"
            << "  write:    conlab put x 3 --cluster " << cluster << "\n"
            << "  read:     conlab get x --cluster " << cluster << "\n"
            << "  watch:    tail -f " << (folder / "*.log").string() << "\n"
            << "  kill one: kill -9 PID   (the pids are above)\n"
            << "  restart:  sh " << (folder / "restart-A.sh").string() << " &   (A, say)\n"
            << "  stop:     conlab cluster stop --dir " << dir << "\n";
  return 0;
}

}  // namespace consensus_lab::tools
