# The viewer's page (viewer/page.html) as a C++ string, so that `conlab`
# and the demos write self-contained pages wherever they run:
#   cmake -DINPUT=page.html -DOUTPUT=page_template.cpp -P EmbedPage.cmake
# Each line `/*INCLUDE NAME*/` of the page is replaced by the file NAME
# beside it (the style, and the script in parts: words.js, replay.js,
# draw.js, controls.js). Then the page is written in pieces of at most 8,000
# bytes (one raw string literal each), with a delimiter it never holds.
file(READ "${INPUT}" page)
get_filename_component(folder "${INPUT}" DIRECTORY)
string(REGEX MATCHALL "/\\*INCLUDE [a-z_.]+\\*/" includes "${page}")
foreach(include IN LISTS includes)
  string(REGEX REPLACE "/\\*INCLUDE ([a-z_.]+)\\*/" "\\1" name "${include}")
  file(READ "${folder}/${name}" part)
  string(REPLACE "${include}" "${part}" page "${page}")
endforeach()
string(FIND "${page}" ")PAGE\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} holds )PAGE\", the embedding's delimiter")
endif()
string(LENGTH "${page}" length)
set(pieces "")
set(at 0)
while(at LESS length)
  string(SUBSTRING "${page}" ${at} 8000 piece)
  string(APPEND pieces "    R\"PAGE(${piece})PAGE\",\n")
  math(EXPR at "${at} + 8000")
endwhile()
file(WRITE "${OUTPUT}" "// Written by cmake/EmbedPage.cmake from viewer/page.html: do not edit.
#include <string>
#include <string_view>

#include \"viewer/page.h\"

namespace consensus_lab::viewer {

std::string_view page_template() {
  static const std::string page = [] {
    std::string text;
    for (const char* piece : {
${pieces}         }) {
      text += piece;
    }
    return text;
  }();
  return page;
}

}  // namespace consensus_lab::viewer
")
