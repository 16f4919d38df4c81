"""Safety: crisis signposting, risk detection on what members write, the safety team."""
