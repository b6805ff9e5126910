# Soak, the CI variant (docs/reliability.md): the release check (bench/soak/run.sh, 10,000 devices for an hour) made
# small. A real parleyd with 500 devices, steady 1:1 and room traffic with acks, reconnects with full and resumed
# logins, for 45 s; the second half is judged with the same judgement (bench/soak/judge.h): RSS, descriptors and
# both queues flat, the queues empty and the descriptors back at the end, every accepted message at every recipient
# device, no error. The rates are higher per device than the release check's, so that a leak per message or per
# connection shows within the short window; the latency bound is wide (a shared runner's neighbours move the p99
# by tens of milliseconds; a queue that grows moves it by seconds).
if(TARGET parley-soak)
    add_test(NAME tst_soak
             COMMAND parley-soak --parleyd $<TARGET_FILE:parleyd> --connections 500 --duration 45 --interval 1
                     --rate 150 --room-rate 30 --room-size 10 --reconnect-rate 30 --drain-timeout 15
                     --p99-floor-ms 250 --no-plot --out ${CMAKE_CURRENT_BINARY_DIR}/soak)
else()
    # The soak program is one of the bench programs: without them this test fails rather than vanish.
    add_test(NAME tst_soak COMMAND sh -c "echo 'tst_soak needs the bench programs (PARLEY_BUILD_BENCH=ON)' >&2; exit 1")
endif()
# Two of ctest's job slots (CMakePresets.json runs six at once): the load it makes takes both cores. COST: ctest
# starts it among the first (parley_add_test in cmake/ParleyTargets.cmake).
set_tests_properties(tst_soak PROPERTIES LABELS assurance TIMEOUT 120 PROCESSORS 2 COST 57)
