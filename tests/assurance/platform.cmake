# FPT_LIB_EXT.1, FPT_API_EXT.1, FPT_AEX_EXT.1.1 and .5, FCS_RBG_EXT.1: the shipped programs and the sources.
add_test(NAME tst_platformuse
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tst_platformuse.sh ${PROJECT_SOURCE_DIR} ${CMAKE_BINARY_DIR})
set_tests_properties(tst_platformuse PROPERTIES LABELS assurance TIMEOUT 60)
