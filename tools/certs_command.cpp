// `conlab certs`: a cluster's throwaway CA and certificates, for nodes
// started by hand (`conlab node --certs DIR`); `conlab cluster start` makes
// its own (net/certificates.h, net/tls.h).
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "common/node_ids.h"
#include "net/certificates.h"
#include "net/wire_words.h"
#include "tools/commands.h"
#include "tools/options.h"

namespace consensus_lab::tools {

namespace {

const Help kHelp{
    {"Usage: conlab certs --dir DIR --nodes A,B,C [--client NAME]\n\n"
     "Makes, in DIR, a certificate authority for one cluster (ca.crt, ca.key) if there is\n"
     "none, and a certificate and key for each node (A.crt, A.key, …) and for a client\n"
     "(client.crt, client.key) that has none. Give each node --certs DIR; give clients\n"
     "--certs DIR too. Whoever can read ca.key can make members: keep it to yourself.\n\n",
     "用法：conlab certs --dir DIR --nodes A,B,C [--client NAME]\n\n"
     "在 DIR 中为一个集群生成证书颁发机构（ca.crt、ca.key，如果还没有），并为每个还没有\n"
     "证书的节点（A.crt、A.key……）和客户端（client.crt、client.key）生成证书和私钥。\n"
     "给每个节点加上 --certs DIR；客户端也用 --certs DIR。能读 ca.key 的人就能造出成员：\n"
     "请自己保管好它。\n\n"},
    {"\nExample: docs/real-cluster.md §1.1\n", "\n例子：docs/real-cluster.md §1.1\n"}};

}  // namespace

int certs_command(int argc, char** argv) {
  std::string dir, nodes, client = "client";
  CommandLine line("conlab", "conlab certs --help");
  line.value("dir", dir, "DIR", {"where the CA and the certificates go", "CA 和证书放在哪里"})
      .value("nodes", nodes, "A,B,C", {"the nodes' ids", "各个节点的 id"})
      .value("client", client, "NAME",
             {"the client certificate's name (its files NAME.crt, NAME.key)",
              "客户端证书的名字（文件是 NAME.crt、NAME.key）"})
      .lang(
          {"print this help in English or in the notes' Chinese", "用英文或笔记的中文打印本帮助"});
  if (const auto status = line.parse(argc, argv, kHelp)) return *status;
  const auto ids = split_ids(nodes);
  if (dir.empty() || !ids || ids->empty() ||
      std::find(ids->begin(), ids->end(), "ca") != ids->end()) {
    return line.error(Text{"conlab certs needs --dir DIR and --nodes A,B,C (ca names the CA)",
                           "conlab certs 需要 --dir DIR 和 --nodes A,B,C（ca 是 CA 的名字）"});
  }
  if (!net::is_node_id(client) || std::find(ids->begin(), ids->end(), client) != ids->end() ||
      client == "ca") {
    return line.error(
        Text{"--client takes a name that is no node's (letters, digits), not '" + client + "'",
             "--client 要跟一个不是节点 id 的名字（字母、数字），而不是 '" + client + "'"});
  }
  std::vector<net::Certified> who{{net::Certified::Role::client, client}};
  for (const NodeId& id : *ids) who.push_back({net::Certified::Role::node, id});
  std::vector<std::string> made;
  for (const net::Certified& one : who) {
    if (!std::filesystem::exists(std::filesystem::path(dir) / (one.id + ".crt"))) {
      made.push_back(one.id);
    }
  }
  try {
    net::make_missing(dir, who);
  } catch (const net::TlsError& error) {
    return line.error(error.reason);
  }
  std::string list;
  for (const std::string& id : made) list += (list.empty() ? "" : ", ") + id;
  const bool zh = line.language() == narration::Lang::zh;
  if (made.empty()) {
    std::cout << (zh ? dir + " 里已经有全部证书\n"
                     : "every certificate is in " + dir + " already\n");
  } else {
    std::cout << (zh ? "在 " + dir + " 中生成了证书：" + list + "（CA：ca.crt）\n"
                     : "made in " + dir + ": certificates for " + list + " (CA: ca.crt)\n");
  }
  return 0;
}

}  // namespace consensus_lab::tools
