# Project-wide defaults applied per target (no global flags).

# parley_target_defaults(<target>): Qt strictness macros, warnings and hardening.
function(parley_target_defaults target)
    target_compile_definitions(${target} PRIVATE
        QT_NO_CAST_FROM_ASCII
        QT_NO_URL_CAST_FROM_STRING
        QT_NO_FOREACH
        QT_NO_KEYWORDS
        QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
        PARLEY_VERSION_STRING="${PROJECT_VERSION}")
    target_compile_options(${target} PRIVATE
        -Wall -Wextra -Wshadow=local -Wnon-virtual-dtor -Wformat=2 -Wformat-security
        -fstack-protector-strong -fstack-clash-protection -fcf-protection
        $<$<NOT:$<CONFIG:Debug>>:-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2>)
    if(PARLEY_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
    target_link_options(${target} PRIVATE
        -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -Wl,--as-needed)
    get_target_property(type ${target} TYPE)
    if(type STREQUAL "EXECUTABLE")
        set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
        target_link_options(${target} PRIVATE -pie)
    endif()
endfunction()

# parley_add_test(<name> SOURCES ... [LIBS ...] [ENV ...] [TIMEOUT s] [LABELS ...] [COST s])
# One Qt Test executable per unit, registered with ctest. COST: the seconds the test takes under ctest --preset ci,
# for those that take over about 20 s. ctest starts the costliest tests first; without it a fresh build tree (no
# Testing/Temporary/CTestCostData.txt yet, as on CI) starts them in declaration order and a long test that starts
# late makes the run's tail.
function(parley_add_test name)
    cmake_parse_arguments(T "" "TIMEOUT;COST" "SOURCES;LIBS;ENV;LABELS" ${ARGN})
    qt_add_executable(${name} ${T_SOURCES})
    parley_target_defaults(${name})
    target_link_libraries(${name} PRIVATE Qt6::Test ${T_LIBS})
    add_test(NAME ${name} COMMAND ${name})
    if(NOT T_TIMEOUT)
        set(T_TIMEOUT 300)
    endif()
    set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT}
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;${T_ENV}")
    if(T_LABELS)
        set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
    endif()
    if(T_COST)
        set_tests_properties(${name} PROPERTIES COST ${T_COST})
    endif()
endfunction()
