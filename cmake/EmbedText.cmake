# Embeds a text file in C++ as a raw string literal, at build time:
#   cmake -DINPUT=file.py -DOUTPUT=File.inc -DNAME=kText -P EmbedText.cmake
# writes `static constexpr llvm::StringLiteral kText = R"EMBED(...)EMBED";`
# with the text of INPUT, less its leading comment block: the lines that
# start with '#' at the top of the file and the blank line after them, so the
# file can say what it is without that being embedded. Run by a custom
# command of the build (lib/Target/PyTorch/CMakeLists.txt).
foreach(var INPUT OUTPUT NAME)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "EmbedText.cmake: -D${var}=... is required")
  endif()
endforeach()

file(READ "${INPUT}" text)
if(text MATCHES "^#")
  string(FIND "${text}" "\n\n" blank)
  if(blank EQUAL -1)
    message(FATAL_ERROR "${INPUT}: the leading comment block is not followed by a blank line")
  endif()
  math(EXPR start "${blank} + 2")
  string(SUBSTRING "${text}" 0 ${start} comment)
  if(NOT comment MATCHES "^(#[^\n]*\n)+\n$")
    message(FATAL_ERROR "${INPUT}: a line before the first blank line does not start with '#'")
  endif()
  string(SUBSTRING "${text}" ${start} -1 text)
endif()
if(text MATCHES "\\)EMBED\"")
  message(FATAL_ERROR "${INPUT} contains )EMBED\", the end of the raw string")
endif()

get_filename_component(input_name "${INPUT}" NAME)
set(content "// ${NAME}: the text of ${input_name}, embedded by cmake/EmbedText.cmake.\n")
string(APPEND content "// Generated at build time; edit ${input_name} instead.\n")
string(APPEND content "static constexpr llvm::StringLiteral ${NAME} = R\"EMBED(${text})EMBED\";\n")
file(WRITE "${OUTPUT}" "${content}")
