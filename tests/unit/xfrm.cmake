ims_unit_test(test_xfrm ims_xfrm)
