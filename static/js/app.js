// Small behaviours shared by every page. htmx sends the CSRF token from <body hx-headers>.
document.addEventListener("htmx:responseError", function (event) {
  var status = event.detail.xhr.status;
  var message = status === 403 ? "Bạn không có quyền thực hiện thao tác này."
    : status === 404 ? "Không tìm thấy dữ liệu."
    : status === 413 ? "Tệp hoặc dữ liệu gửi lên quá lớn so với giới hạn của trang này."
    : status === 409 ? null
    : "Có lỗi xảy ra (mã " + status + "). Vui lòng thử lại.";
  if (message) { window.alert(message); }
});
document.addEventListener("htmx:sendError", function () {
  window.alert("Không kết nối được máy chủ. Kiểm tra mạng và thử lại.");
});
