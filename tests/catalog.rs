// catalog tests: written next
