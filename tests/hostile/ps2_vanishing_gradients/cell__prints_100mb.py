# debugging output left in: 100 MB in one print, then 200,000 lines
print("x" * 100_000_000)
for step in range(200_000):
    print("step", step, "loss", 1.0 / (step + 1))
