// ===================================================================
// 1. The page's own words, in both languages. Words the cards use
//    (roles, field names) come from the trace's "labels" instead.
// ===================================================================
const UI = {
  en: {
    next: "Next ▶", prev: "◀ Previous", nextStep: "Next step »", prevStep: "« Previous step",
    first: "⇤ Start", last: "End ⇥", play: "▶ Play", pause: "‖ Pause",
    speed: "Speed", perSecond: "events/s", node: "Node", nextOfNode: "Next event of this node",
    steps: "Steps", checks: "Checks (at the end of the run)", ok: "ok", failed: "FAILED",
    gotoViolation: "Go to the violation", violationAt: "Invariant violated at event {n}: {what}",
    group: "group {g}", partition: "network partition:", noMessages: "no messages in flight",
    more: "+{k} more messages in flight, not drawn", copy: "copy", held: "held", heldUntil: "held until {t} ms",
    lost: "lost", rule: "Rule:", event: "event", at: "at",
    snapshot: "snapshot: entries up to {i}", snapBox: "snapshot ≤ {i}", earlier: "… {k} earlier entries",
    crashed: "crashed", restarting: "restarting", silent: "not reporting",
    lastKnown: "last known: {role}", entryLegend: "a log entry: index, term (Raft) or ballot (Multi-Paxos), command",
    removed: "removed at this event: {e}",
    live: "LIVE", waiting: "Waiting for the first events of the run…",
    serverGone: "The viewer server stopped answering — the run so far stays here. Trying again every 2 s.",
    noTrace: "This page holds no trace: it is the template. The C++ side fills it in.",
    protocol: { paxos: "Basic Paxos", multipaxos: "Multi-Paxos", raft: "Raft" },
    kinds: {
      send: "{n} → {to}: {msg}", deliver: "{to} receives {msg} from {from}",
      drop: "{msg} {from} → {to} is lost", dup: "the network duplicates {msg} on {from} → {to}",
      hold: "the network holds back {msg} on {from} → {to} until {until} ms",
      timer: "{n}: a timer fires", crash: "{n} crashes", restart: "{n} restarts",
      heal: "the partition heals", note: "", check: "check", violation: "invariant violated",
      silent: "{n} stopped reporting", reporting: "{n} reports again", state: "{n}: new state",
    },
  },
  zh: {
    next: "下一事件 ▶", prev: "◀ 上一事件", nextStep: "下一步 »", prevStep: "« 上一步",
    first: "⇤ 开头", last: "结尾 ⇥", play: "▶ 播放", pause: "‖ 暂停",
    speed: "速度", perSecond: "事件/秒", node: "节点", nextOfNode: "该节点的下一事件",
    steps: "步骤", checks: "检查（运行结束时）", ok: "成立", failed: "不成立",
    gotoViolation: "跳到违反不变式处", violationAt: "第 {n} 个事件违反不变式：{what}",
    group: "分区 {g}", partition: "网络分区：", noMessages: "没有在途消息",
    more: "另有 {k} 条在途消息未画出", copy: "副本", held: "扣留", heldUntil: "扣留到 {t} ms",
    lost: "丢失", rule: "规则：", event: "事件", at: "位于",
    snapshot: "快照：到日志项 {i} 为止", snapBox: "快照 ≤ {i}", earlier: "……前面还有 {k} 条",
    crashed: "已崩溃", restarting: "正在重启", silent: "没有消息",
    lastKnown: "最后所知：{role}", entryLegend: "日志项：索引、任期（Raft）或提案编号（Multi-Paxos）、命令",
    removed: "在这个事件中被删除：{e}",
    live: "实时", waiting: "正在等待这次运行的第一批事件……",
    serverGone: "查看器的服务器不再应答 —— 到目前为止的运行仍留在这里。每 2 秒重试一次。",
    noTrace: "这个页面里没有运行记录：它是模板，由 C++ 程序填入。",
    protocol: { paxos: "Basic Paxos", multipaxos: "Multi-Paxos", raft: "Raft" },
    kinds: {
      send: "{n} → {to}：{msg}", deliver: "{to} 收到 {from} 的{msg}",
      drop: "{from} → {to} 的{msg}丢失", dup: "网络复制了 {from} → {to} 的{msg}",
      hold: "网络把 {from} → {to} 的{msg}扣留到 {until} ms",
      timer: "{n} 的定时器到期", crash: "{n} 崩溃", restart: "{n} 重启",
      heal: "网络分区恢复", note: "", check: "检查", violation: "违反不变式",
      silent: "{n} 不再发来消息", reporting: "{n} 又发来消息了", state: "{n} 的新状态",
    },
  },
};
const SPEEDS = [1, 2, 5, 20, 100];      // events per second when playing
const STRIDE = 256;                      // a checkpoint every STRIDE events
const HISTORY = 4;                       // previous lines shown greyed
const MAX_ROWS = 6;                      // message arrows drawn at most
const MAX_ENTRIES = 40;                  // log boxes drawn at most per card…
const LOG_ROWS = 3;                      // …and no more than fill this many rows
const ROW = 22;                          // height of one message row, px
const POLL = 300, RETRY = 2000;          // a live page asks for new events this often (ms)
