from invoice import invoice_total

assert invoice_total([{"qty": 2, "unit_price": 10}], 0.2) == 24.0
assert invoice_total([{"qty": 1, "unit_price": 2000}], 0.1) == 2090.0
assert invoice_total([{"qty": 1, "unit_price": 1000}], 0) == 1000
assert invoice_total([], 0.2) == 0
