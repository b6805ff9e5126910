# Privacy and protection of data: nothing secret on the wire (FTP_DIT_EXT.1), in any byte parleyd writes (FPR and
# the logging promise), or in a file others can read or write (FMT_CFG_EXT.1.2). Script tests with the real
# programs; privacysession.sh is the session they share, secretscan.py the search, profilesecrets.py reads a
# device's keys. tst_datainflight exits 77 (skipped) where packets cannot be captured.
add_test(NAME tst_datainflight
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tst_datainflight.sh ${CMAKE_BINARY_DIR})
add_test(NAME tst_logprivacy
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tst_logprivacy.sh ${CMAKE_BINARY_DIR})
add_test(NAME tst_filepermissions
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tst_filepermissions.sh ${CMAKE_BINARY_DIR})
set_tests_properties(tst_datainflight tst_logprivacy tst_filepermissions PROPERTIES LABELS assurance TIMEOUT 120)
set_tests_properties(tst_datainflight PROPERTIES SKIP_RETURN_CODE 77)
# ctest starts the long ones first (COST: parley_add_test in cmake/ParleyTargets.cmake).
set_tests_properties(tst_logprivacy PROPERTIES COST 30)
set_tests_properties(tst_datainflight PROPERTIES COST 26)
