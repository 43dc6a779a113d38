# Warnings for our own targets only (dependencies' headers are included as SYSTEM).
function(de_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wno-sign-conversion -Wcast-align -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual
    $<$<BOOL:${DE_WERROR}>:-Werror>)
endfunction()

function(de_c_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
    $<$<BOOL:${DE_WERROR}>:-Werror>)
endfunction()
