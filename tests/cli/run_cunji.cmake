# cmake -DCUNJI=BINARY -DARGS=a|b|c -DSTATUS=N -DPATTERN=REGEX -P run_cunji.cmake
# Runs BINARY with the arguments (separated by |) and fails unless it exits with STATUS and its
# output (stderr, then stdout) matches REGEX. Ten seconds at most: a binary that starts serving
# instead of refusing its arguments fails by timing out.
string(REPLACE "|" ";" args "${ARGS}")
execute_process(COMMAND ${CUNJI} ${args} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 10)
if(NOT status STREQUAL STATUS)
  message(FATAL_ERROR "cunji ${args}: exit status ${status}, expected ${STATUS}\nstderr:\n${err}\nstdout:\n${out}")
endif()
if(NOT "${err}${out}" MATCHES "${PATTERN}")
  message(FATAL_ERROR "cunji ${args}: output does not match ${PATTERN}\nstderr:\n${err}\nstdout:\n${out}")
endif()
