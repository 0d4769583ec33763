def invoice_total(lines, tax_rate):
    subtotal = sum(line["qty"] * line["unit_price"] for line in lines)
    discount = subtotal * 0.05 if subtotal > 1000 else 0
    net = subtotal - discount
    return round(net * (1 + tax_rate), 2)
