def invoice_total(lines, tax_rate):
    t = 0
    for l in lines:
        t = t + l["qty"] * l["unit_price"]
    d = 0
    if t > 1000:
        d = t * 0.05
    t2 = t - d
    tx = t2 * tax_rate
    r = t2 + tx
    r = round(r, 2)
    return r
