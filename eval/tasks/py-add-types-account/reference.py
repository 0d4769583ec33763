class Account:
    def __init__(self, owner: str, balance: int = 0) -> None:
        self.owner: str = owner
        self.balance: int = balance
        self.history: list[tuple[str, int]] = []

    def deposit(self, amount: int) -> int:
        if amount <= 0:
            raise ValueError("amount must be positive")
        self.balance += amount
        self.history.append(("deposit", amount))
        return self.balance
