# Every sentence the lab prints, in English and in the notes' Chinese.
TEXT = {
    "list_title": ("Exercises (./lab exercise start NAME, then grade NAME; reset NAME restores):",
                   "练习（./lab exercise start 名字，然后 grade 名字；reset 名字 恢复原来的代码）："),
    "started": ("started",
                "已开始"),
    "notes": ("(notes: {section})", "（笔记：{section}）"),
    "start_done": ("{name}: the reference code is saved in {saved}; write your answer at "
                   "each TODO in:", "{name}：参考代码已保存在 {saved}；请在下列文件的 TODO 处写出你的答案："),
    "start_next": ("Then: ./lab exercise grade {name}   (./lab exercise reset {name} brings "
                   "the reference back)", "然后：./lab exercise grade {name}   （./lab exercise "
                   "reset {name} 恢复参考代码）"),
    "already_started": ("{name} is already started (./lab exercise reset {name} first)",
                        "{name} 已经开始了（先运行 ./lab exercise reset {name}）"),
    "not_started": ("{name} is not started: there is nothing to reset",
                    "{name} 还没有开始：没有可恢复的内容"),
    "reset_done": ("{name}: the reference code is back in {files}",
                   "{name}：参考代码已恢复到 {files}"),
    "needs_name": ("{command} needs the name of an exercise (./lab exercise list lists them)",
                   "{command} 需要一个练习的名字（./lab exercise list 列出全部练习）"),
    "unknown": ("there is no exercise '{name}' (./lab exercise list lists them)",
                "没有名为 '{name}' 的练习（./lab exercise list 列出全部练习）"),
    "grading": ("Grading {name} — {rule}", "评分 {name} — {rule}"),
    "build_ok": ("build: conlab and consensus_lab_tests compile",
                 "编译：conlab 和 consensus_lab_tests 编译通过"),
    "build_failed": ("build: the code does not compile", "编译：代码无法编译"),
    "not_run": ("not run: the build failed", "未运行：编译失败"),
    "tests_ok": ("unit tests \"{pattern}\": {count} test case(s) pass",
                 "单元测试 \"{pattern}\"：{count} 个测试用例全部通过"),
    "tests_failed": ("unit tests \"{pattern}\": {failed} of {count} test case(s) fail",
                     "单元测试 \"{pattern}\"：{count} 个测试用例中有 {failed} 个失败"),
    "tests_none": ("unit tests \"{pattern}\": no test case has such a name (the exercise table "
                   "is wrong)", "单元测试 \"{pattern}\"：没有这样名字的测试用例（练习表有误）"),
    "scenario_ok": ("scenario {file}: passes", "场景 {file}：通过"),
    "scenario_failed": ("scenario {file}: conlab exited {status}, expected {expected}",
                        "场景 {file}：conlab 退出码为 {status}，应为 {expected}"),
    "scenario_line": ("scenario {file}: conlab did not print the line the file expects:",
                      "场景 {file}：conlab 没有打印文件要求的这一行："),
    "check_ok": ("checker: conlab {command} — every seed passes",
                 "随机检查器：conlab {command} — 所有种子都通过"),
    "check_failed": ("checker: conlab {command} — found a run that breaks a rule",
                     "随机检查器：conlab {command} — 找到了一个违反规则的运行"),
    "replay": ("the shrunk counterexample: {path} — replay it: {conlab} run {path}",
               "缩短后的反例：{path} — 重放：{conlab} run {path}"),
    "result_pass": ("{name}: all {total} checks pass.", "{name}：{total} 项检查全部通过。"),
    "result_fail": ("{name}: {passed} of {total} checks pass — not yet.",
                    "{name}：{total} 项检查中通过 {passed} 项 — 还没有完成。"),
}


def say(lang, key, **values):
    english, chinese = TEXT[key]
    return (chinese if lang == "zh" else english).format(**values)


def pick(lang, pair):
    """One of an (English, 中文) pair."""
    return pair[1] if lang == "zh" else pair[0]
