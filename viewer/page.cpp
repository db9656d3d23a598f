#include "viewer/page.h"

#include <algorithm>
#include <stdexcept>

#include "viewer/json.h"

namespace consensus_lab::viewer {

namespace {

void write_text(JsonWriter& w, const narration::Text& text) {
  w.begin_object().key("en").value(text.en).key("zh").value(text.in(narration::Lang::zh));
  w.end_object();
}

// Where the page's source links point: this source tree, as a file:// URL.
std::string source_base() {
  return std::string("file://") + CONSENSUS_LAB_SOURCE_DIR + "/";
}

constexpr std::string_view kPlaceholder = "/*TRACE*/";

}  // namespace

std::string to_json(const Card& card) {
  JsonWriter w;
  w.begin_object().key("role").value(card.role);
  if (card.badge) w.key("badge").value(*card.badge);
  w.key("fields").begin_array();
  for (const auto& [name, value] : card.fields)
    w.begin_array().value(name).value(value).end_array();
  w.end_array();
  if (card.log) {
    w.key("log").begin_array();
    for (const LogRow& row : *card.log) {
      w.begin_object().key("i").value(row.index).key("t").value(row.term);
      w.key("c").value(row.command).key("ok").value(row.committed).end_object();
    }
    w.end_array();
    if (card.base != 0) w.key("base").value(card.base);
    if (card.omitted != 0) w.key("omitted").value(card.omitted);
  }
  return w.end_object().take();
}

Page::Page(std::string protocol, narration::Text title, narration::Lang lang,
           std::vector<NodeId> nodes)
    : protocol_(std::move(protocol)),
      title_(std::move(title)),
      lang_(lang),
      nodes_(std::move(nodes)) {}

void Page::label(const std::string& key, narration::Text words) {
  const auto known = [&](const auto& entry) { return entry.first == key; };
  if (std::none_of(labels_.begin(), labels_.end(), known)) labels_.emplace_back(key, words);
}

void Page::rule(const std::string& key, narration::Text words, std::string file,
                std::uint64_t line) {
  const auto known = [&](const auto& entry) { return entry.first == key; };
  if (std::none_of(rules_.begin(), rules_.end(), known)) {
    rules_.emplace_back(key, Rule{std::move(words), std::move(file), line});
  }
}

void Page::start_step(narration::Text caption) {
  steps_.push_back({events_.size(), std::move(caption)});
}

void Page::add_check(narration::Text text, bool held) {
  checks_.push_back({std::move(text), held});
}

void Page::set_verdict(narration::Text text, bool ok) {
  verdict_.emplace(std::move(text), ok);
}

void Page::set_violation(narration::Text text, std::size_t at) {
  violation_.emplace(at, std::move(text));
}

std::string Page::events_json(std::size_t from) const {
  JsonWriter w;
  w.begin_object().key("events").begin_array();
  for (std::size_t i = from; i < events_.size(); ++i) w.raw(events_[i]);
  return w.end_array().end_object().take();
}

std::string Page::trace_json() const {
  JsonWriter w;
  w.begin_object().key("version").value(std::uint64_t{1}).key("protocol").value(protocol_);
  w.key("title");
  write_text(w, title_);
  w.key("lang").value(lang_ == narration::Lang::zh ? "zh" : "en");
  w.key("source").value(source_base());
  w.key("nodes").begin_array();
  for (const NodeId& node : nodes_) w.value(node);
  w.end_array().key("labels").begin_object();
  for (const auto& [key, words] : labels_) write_text(w.key(key), words);
  w.end_object().key("rules").begin_object();
  for (const auto& [key, rule] : rules_) {
    w.key(key).begin_object().key("en").value(rule.words.en);
    w.key("zh").value(rule.words.in(narration::Lang::zh));
    w.key("file").value(rule.file).key("line").value(rule.line).end_object();
  }
  w.end_object().key("events").begin_array();
  for (const std::string& event : events_) w.raw(event);
  w.end_array().key("steps").begin_array();
  for (const Step& step : steps_) {
    w.begin_object().key("at").value(std::uint64_t{step.at});
    w.key("en").value(step.caption.en).key("zh").value(step.caption.in(narration::Lang::zh));
    w.end_object();
  }
  w.end_array().key("checks").begin_array();
  for (const Check& check : checks_) {
    w.begin_object().key("en").value(check.text.en);
    w.key("zh").value(check.text.in(narration::Lang::zh)).key("held").value(check.held);
    w.end_object();
  }
  w.end_array();
  if (verdict_) {
    w.key("verdict").begin_object().key("en").value(verdict_->first.en);
    w.key("zh").value(verdict_->first.in(narration::Lang::zh));
    w.key("ok").value(verdict_->second).end_object();
  }
  if (violation_) {
    w.key("violation").begin_object().key("at").value(std::uint64_t{violation_->first});
    w.key("en").value(violation_->second.en);
    w.key("zh").value(violation_->second.in(narration::Lang::zh)).end_object();
  }
  if (live_events_) {
    w.key("live").begin_object().key("events").value(*live_events_).end_object();
  }
  return w.end_object().take();
}

void Page::write(std::ostream& out) const {
  const std::string_view page = page_template();
  const std::size_t at = page.find(kPlaceholder);
  if (at == std::string_view::npos) throw std::logic_error("viewer/page.html has no /*TRACE*/");
  out << page.substr(0, at) << trace_json() << page.substr(at + kPlaceholder.size());
}

}  // namespace consensus_lab::viewer
