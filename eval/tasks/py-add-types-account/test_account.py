from account import Account

a = Account("ann", 5)
assert a.deposit(10) == 15
assert a.history == [("deposit", 10)]
try:
    a.deposit(0)
except ValueError:
    pass
else:
    raise AssertionError("deposit(0) should raise")
assert Account("bob").balance == 0
