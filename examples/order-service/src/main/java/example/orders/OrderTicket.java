package example.orders;

/** The workflow's object: which order it runs for (the order itself lives in the repository). */
public class OrderTicket {
  public long orderId;

  public OrderTicket() {}

  public OrderTicket(long orderId) {
    this.orderId = orderId;
  }
}
