#include "tools/cluster_access.h"

#include <fstream>

#include "tools/real_words.h"

namespace consensus_lab::tools {

namespace fs = std::filesystem;

void declare_access(CommandLine& line, AccessWords& words) {
  line.value("dir", words.dir, "DIR",
             {"the folder of a cluster conlab cluster start runs (its nodes and certificates)",
              "conlab cluster start 运行的集群的目录（节点地址和证书都在里面）"})
      .value("cluster", words.cluster, "A=HOST:PORT,…",
             {"the cluster's nodes (instead of --dir)", "集群的节点（代替 --dir）"})
      .value("certs", words.certs, "DIR",
             {"with --cluster: the cluster's CA (ca.crt), and a client certificate "
              "(client.crt, client.key) if there",
              "和 --cluster 一起用：集群的 CA（ca.crt），以及客户端证书（client.crt、"
              "client.key，如果有）"})
      .flag("plaintext", words.plaintext,
            {"with --cluster: the nodes run --plaintext (no TLS)",
             "和 --cluster 一起用：节点以 --plaintext 运行（不用 TLS）"});
}

void write_wire(const fs::path& folder, bool plaintext) {
  std::ofstream(folder / "wire") << (plaintext ? "plaintext" : "tls") << '\n';
}

namespace {

std::shared_ptr<net::Tls> client_tls(const fs::path& certs) {
  if (fs::exists(certs / "client.crt")) return net::Tls::load(certs, "client");
  return net::Tls::load_ca_only(certs);
}

}  // namespace

std::shared_ptr<net::Tls> folder_tls(const fs::path& folder) {
  std::string wire;
  std::ifstream(folder / "wire") >> wire;
  if (wire == "plaintext") return nullptr;
  return client_tls(folder / "tls");
}

std::optional<Text> resolve_access(const AccessWords& words, Access& access) {
  if (words.dir.empty() == words.cluster.empty()) {
    return Text{"give --dir DIR (a cluster conlab cluster start runs), or --cluster A=HOST:PORT,…",
                "请给出 --dir DIR（conlab cluster start 运行的集群），或者 --cluster "
                "A=HOST:PORT,…"};
  }
  try {
    if (!words.dir.empty()) {
      if (!words.certs.empty() || words.plaintext) {
        return Text{"--certs and --plaintext go with --cluster; --dir knows its cluster's wire",
                    "--certs 和 --plaintext 与 --cluster 一起用；--dir 自己知道集群用什么线路"};
      }
      const auto cluster = read_cluster(words.dir);
      if (!cluster) {
        return Text{"no cluster in " + words.dir + " (no readable cluster.txt)",
                    words.dir + " 里没有集群（没有可读的 cluster.txt）"};
      }
      access = {*cluster, folder_tls(words.dir)};
      return std::nullopt;
    }
    const auto cluster = net::parse_cluster(words.cluster);
    if (!cluster) return kClusterFormat;
    if (words.certs.empty() == !words.plaintext) {
      return Text{"with --cluster, give --certs DIR (TLS, the default) or --plaintext",
                  "用 --cluster 时，请给出 --certs DIR（TLS，默认）或者 --plaintext"};
    }
    access = {*cluster, words.plaintext ? nullptr : client_tls(words.certs)};
  } catch (const net::TlsError& error) {
    return error.reason;
  }
  return std::nullopt;
}

}  // namespace consensus_lab::tools
