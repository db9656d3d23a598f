// `conlab put KEY VALUE` and `conlab get KEY`: a client request to a real
// cluster (docs/real-cluster.md).
#include <iostream>
#include <string>

#include "net/client.h"
#include "tools/cluster_access.h"
#include "tools/commands.h"
#include "tools/options.h"
#include "tools/real_words.h"

namespace consensus_lab::tools {

namespace {

const Help kPutHelp{
    {"Usage: conlab put KEY VALUE --dir DIR\n"
     "       conlab put KEY VALUE --cluster A=HOST:PORT,… (--certs DIR | --plaintext)\n\n"
     "Writes KEY=VALUE through the leader; prints ok once it is committed and applied.\n"
     "It follows redirects to the leader and retries on failure; a retried put is\n"
     "applied once.\n\n",
     "用法：conlab put KEY VALUE --dir DIR\n"
     "      conlab put KEY VALUE --cluster A=HOST:PORT,… (--certs DIR | --plaintext)\n\n"
     "通过领导者写入 KEY=VALUE；提交并在状态机执行后，打印 ok。\n"
     "它跟随重定向找到领导者，失败时重试；重试的写请求只执行一次。\n\n"},
    {}};

const Help kGetHelp{{"Usage: conlab get KEY --dir DIR\n"
                     "       conlab get KEY --cluster A=HOST:PORT,… (--certs DIR | --plaintext)\n\n"
                     "Reads KEY through the leader (linearizable); prints the value, or (none).\n"
                     "It follows redirects to the leader and retries on failure.\n\n",
                     "用法：conlab get KEY --dir DIR\n"
                     "      conlab get KEY --cluster A=HOST:PORT,… (--certs DIR | --plaintext)\n\n"
                     "通过领导者读取 KEY（线性一致）；打印它的值，或（无）。\n"
                     "它跟随重定向找到领导者，失败时重试。\n\n"},
                    {}};

void print_result(const std::string& verb, const net::Client::Result& result,
                  narration::Lang lang) {
  if (verb == "put") {
    std::cout << put_text(result.served_by, result.attempts, lang);
  } else {
    const bool found = result.reply.kind == net::Reply::Kind::value;
    std::cout << get_text(found ? std::optional<std::string>(result.reply.text) : std::nullopt,
                          lang);
  }
}

}  // namespace

int client_command(int argc, char** argv) {
  const std::string verb = argv[0];
  std::string key, value;
  AccessWords where;
  Millis deadline = 10'000;
  CommandLine line("conlab", "conlab " + verb + " --help");
  declare_access(line, where);
  line.value("timeout", deadline, "MS", {"give up after this long", "超过这么久（毫秒）就放弃"})
      .lang({"print this help and the answer in English or in the notes' Chinese",
             "用英文或笔记的中文打印本帮助和回答"})
      .positional("key", key);
  if (verb == "put") line.positional("value", value);
  if (const auto status = line.parse(argc, argv, verb == "put" ? kPutHelp : kGetHelp)) {
    return *status;
  }
  if (key.empty())
    return line.error(Text{"conlab " + verb + " needs a KEY", "conlab " + verb + " 缺少 KEY"});
  if (verb == "put" && !line.given("value")) {
    return line.error(Text{"conlab put needs a VALUE", "conlab put 缺少 VALUE"});
  }
  Access access;
  if (const auto error = resolve_access(where, access)) return line.error(*error);
  net::Client client(
      {.cluster = access.cluster, .deadline = deadline, .attempt = 1'000, .tls = access.tls});
  const auto result = verb == "put" ? client.put(key, value) : client.get(key);
  if (!result.done) {
    print_error("conlab " + verb, result.error, line.language());
    return 1;
  }
  print_result(verb, result, line.language());
  return 0;
}

}  // namespace consensus_lab::tools
